namespace TemplateFleet.Engine;

/// <param name="RepositoryRoot">Where output/engine/dockerd.log goes when we start an engine.</param>
/// <param name="Endpoint">Engine endpoint; null means DOCKER_HOST or the local socket.</param>
/// <param name="StartTimeout">How long a freshly started engine may take to answer.</param>
public sealed record EngineOptions(string RepositoryRoot, Uri? Endpoint = null, TimeSpan? StartTimeout = null)
{
    public Uri ResolvedEndpoint => Endpoint ?? DockerClientFactory.EndpointFromEnvironment();
    public string LogFile => Path.Combine(RepositoryRoot, "output", "engine", "dockerd.log");
}
