using TemplateFleet.Engine;
using TemplateFleet.Images;

namespace TemplateFleet.Fleet;

/// <summary>
/// The inputs every stage of one invocation shares, made once by the build and handed to each stage:
/// where things are (<see cref="Paths"/>), the one engine client and its endpoint, the source revision the
/// images are labelled with, and the run id every container carries. Nothing here changes during the run.
/// The runtime version is settled by Restore and travels, typed, on the <see cref="FleetRun"/> it returns.
/// </summary>
public sealed class RunContext(RunPaths paths, DockerEngine engine, SourceRevision revision, string runId)
{
    public RunPaths Paths { get; } = paths;
    public DockerEngine Engine { get; } = engine;
    public SourceRevision Revision { get; } = revision;

    /// <summary>Unique per invocation; every container the run starts carries it as a label.</summary>
    public string RunId { get; } = runId;

    public static string NewRunId() => $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
}
