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
    public async Task<int> RemoveLeftoversAsync(string currentRunId, CancellationToken ct)
    {
        var stale = (await ListGateContainersAsync(ct).ConfigureAwait(false))
            .Where(c => !c.Labels.TryGetValue(Labels.Run, out var run) || run != currentRunId)
            .ToList();
        foreach (var c in stale)
        {
            Log.Information("Removing leftover gate container {Id} of run {Run}", c.ID[..12], RunOf(c));
            await RemoveAsync(c.ID, ct).ConfigureAwait(false);
        }
        return stale.Count;
    }

    /// <summary>Removes every gate container of <paramref name="runId"/> (the end of a run, also after Ctrl-C).</summary>
    public async Task RemoveRunAsync(string runId, CancellationToken ct)
    {
        foreach (var c in (await ListGateContainersAsync(ct).ConfigureAwait(false)).Where(c => RunOf(c) == runId))
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
    }

    static string? RunOf(ContainerListResponse c) => c.Labels.TryGetValue(Labels.Run, out var run) ? run : null;

    Task<IList<ContainerListResponse>> ListGateContainersAsync(CancellationToken ct) =>
        docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Labels.Gate] = true } },
        }, ct);
}
