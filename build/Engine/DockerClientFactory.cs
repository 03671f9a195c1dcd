using Docker.DotNet;

namespace TemplateFleet.Engine;

/// <summary>Creates Engine API clients. DOCKER_HOST (unix:// or tcp://) is honoured; the default is the local socket.</summary>
public static class DockerClientFactory
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    public static Uri EndpointFromEnvironment() =>
        new(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultSocket);

    public static DockerClient Create(Uri? endpoint = null, TimeSpan? timeout = null) =>
        new DockerClientBuilder()
            .WithEndpoint(endpoint ?? EndpointFromEnvironment())
            .WithTimeout(timeout ?? TimeSpan.FromMinutes(2))
            .Build();
}
