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
    /// <summary>Removes gate containers whose run id is not <paramref name="currentRunId"/>; returns how many.</summary>
    /// <remarks>A young container that is not finished (created, running) may belong to a concurrent build on the
    /// same engine (a CI matrix job), so it is left alone; finished ones, and anything older than
    /// <paramref name="grace"/>, are leftovers.</remarks>
    public async Task<int> RemoveLeftoversAsync(string currentRunId, TimeSpan grace, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var stale = (await ListGateContainersAsync(ct).ConfigureAwait(false))
            .Where(c => RunOf(c) != currentRunId)
            .Where(c => c.State is "exited" or "dead" || now - c.Created.ToUniversalTime() >= grace)
            .ToList();
        foreach (var c in stale)
        {
            Log.Information("Removing leftover gate container {Id} of run {Run}", c.ID[..12], RunOf(c));
            await RemoveAsync(c.ID, ct).ConfigureAwait(false);
        }
        return stale.Count;
    }

    /// <summary>Removes every container <paramref name="gate"/> started in <paramref name="runId"/> (end of a run, also after Ctrl-C).</summary>
    public async Task RemoveRunAsync(string runId, string gate, CancellationToken ct)
    {
        var mine = (await ListGateContainersAsync(ct).ConfigureAwait(false))
            .Where(c => RunOf(c) == runId && c.Labels.TryGetValue(Labels.Gate, out var g) && g == gate);
        foreach (var c in mine)
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

    static string? RunOf(ContainerListResponse c) => c.Labels.TryGetValue(Labels.Run, out var run) ? run : null;

    Task<IList<ContainerListResponse>> ListGateContainersAsync(CancellationToken ct) =>
        docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Labels.Gate] = true } },
        }, ct);
}
