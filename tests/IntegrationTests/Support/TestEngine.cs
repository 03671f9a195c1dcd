using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The engine every integration test talks to: DOCKER_HOST as `./build.sh Test` passes it to this process,
/// else the local socket. One client for the whole test process, as one build has one.
/// </summary>
public static class TestEngine
{
    static readonly Lazy<DockerEngine> Shared = new(() => new DockerEngine(Endpoint));

    public static Uri Endpoint => Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? new Uri(host) : DockerEngine.DefaultEndpoint;

    public static DockerEngine Engine => Shared.Value;

    /// <summary>The paths of the repository the tests run in.</summary>
    public static RunPaths Paths => RunPaths.ForRepository(RepositoryRoot.Path);

    /// <summary>A run context on the shared engine, as the build makes one per invocation.</summary>
    public static RunContext Context(string runId, RunPaths? paths = null, SourceRevision? revision = null) =>
        new(paths ?? Paths, Engine, revision ?? SourceRevision.Read(RepositoryRoot.Path), runId);
}
