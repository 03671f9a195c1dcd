using TemplateFleet.Engine;
using TemplateFleet.Images;

namespace TemplateFleet.Fleet;

/// <summary>
/// The inputs every stage of one invocation shares, made once by the build and handed to each stage:
/// where things are (<see cref="Paths"/>), the one engine client and its endpoint, the source revision the
/// images are labelled with, and the run id every container carries. Nothing here changes during the run.
/// The runtime version is settled by Restore and travels, typed, on the <see cref="FleetRun"/> it returns.
/// </summary>
/// <param name="RunId">Unique per invocation; every container the run starts carries it as a label.</param>
public sealed record RunContext(RunPaths Paths, DockerEngine Engine, SourceRevision Revision, string RunId)
{
    public static string NewRunId() => $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
}
