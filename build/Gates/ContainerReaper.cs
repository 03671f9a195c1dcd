using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>
/// Removes gate containers: leftovers of earlier (crashed or interrupted) runs at start, and this run's at
/// the end, like Testcontainers' reaper. Only containers carrying <see cref="Labels.Gate"/> are touched.
/// </summary>
public sealed class ContainerReaper(IDockerClient docker)
{
    /// <summary>Removes gate containers of other runs whose owner is gone; returns how many.</summary>
    public async Task<int> RemoveLeftoversAsync(string currentRunId, TimeSpan grace, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var stale = (await ListGateContainersAsync(ct).ConfigureAwait(false))
            .Where(c => IsLeftover(Label(c, Labels.Run), Label(c, Labels.Owner), c.Created, currentRunId, now, grace, RunOwner.IsAlive))
            .ToList();
        foreach (var c in stale)
        {
            Log.Information("Removing leftover gate container {Id} of run {Run}", c.ID[..12], Label(c, Labels.Run));
            await RemoveAsync(c.ID, ct).ConfigureAwait(false);
        }
        return stale.Count;
    }

    /// <summary>Removes every container <paramref name="gate"/> started in <paramref name="runId"/> (end of a run, also after Ctrl-C).</summary>
    public async Task RemoveRunAsync(string runId, string gate, CancellationToken ct)
    {
        foreach (var c in (await ListGateContainersAsync(ct).ConfigureAwait(false)).Where(c => Label(c, Labels.Run) == runId && Label(c, Labels.Gate) == gate))
            await RemoveAsync(c.ID, ct).ConfigureAwait(false);
    }

    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct)
                .ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: removal is idempotent.
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict && e.Message.Contains("already in progress", StringComparison.Ordinal))
        {
            // Another cleanup path (Ctrl-C hook, a parallel dispose) is removing it already.
        }
    }

    /// <summary>
    /// A container of another run is a leftover when the process that started it is gone. A concurrent build on
    /// the same engine (a CI matrix job, a second terminal) may be between "finished" and "logs read" on its
    /// container, so being finished proves nothing. When the owner cannot be checked (another machine shares
    /// the engine, or the container predates the owner label), only age tells: older than
    /// <paramref name="grace"/>.
    /// </summary>
    internal static bool IsLeftover(string? run, string? owner, DateTime created, string currentRunId, DateTime now, TimeSpan grace,
        Func<string?, bool?> ownerAlive) =>
        run != currentRunId && ownerAlive(owner) switch
        {
            false => true,
            true => false,
            null => now - created.ToUniversalTime() >= grace,
        };

    static string? Label(ContainerListResponse c, string key) => c.Labels.TryGetValue(key, out var value) ? value : null;

    Task<IList<ContainerListResponse>> ListGateContainersAsync(CancellationToken ct) =>
        docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Labels.Gate] = true } },
        }, ct);
}
