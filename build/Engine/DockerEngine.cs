using Docker.DotNet;

namespace TemplateFleet.Engine;

/// <summary>
/// The one Engine API client of a build and the endpoint it talks to, passed explicitly to every stage
/// (as Testcontainers passes WithDockerEndpoint): nothing reads DOCKER_HOST behind the build's back.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    /// <summary>The conventional socket path on an engine host reached over TCP (it cannot be derived from the URL).</summary>
    public const string DefaultSocketPath = "/var/run/docker.sock";

    public static readonly Uri DefaultEndpoint = new(DefaultSocket);

    public DockerEngine(Uri endpoint)
    {
        Endpoint = endpoint;
        // Long: image builds, imports and layer deletions take minutes; calls that must be short (probes,
        // pings, gate execs) bound themselves with a cancellation token.
        Client = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(TimeSpan.FromHours(1)).Build();
    }

    public Uri Endpoint { get; }
    public IDockerClient Client { get; }

    /// <summary>The engine's socket on its host (bound into T4 containers): the unix:// path, else the conventional one.</summary>
    public string SocketPath => Endpoint.Scheme == "unix" ? Endpoint.LocalPath : DefaultSocketPath;

    /// <summary>True for the local default socket: the only engine this build may start itself.</summary>
    public bool IsDefaultSocket => Endpoint.ToString().TrimEnd('/') == DefaultSocket;

    public void Dispose() => Client.Dispose();
}
