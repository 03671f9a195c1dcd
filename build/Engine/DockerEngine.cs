using Docker.DotNet;

namespace TemplateFleet.Engine;

/// <summary>
/// The one Engine API client of a build and the endpoint it talks to, passed explicitly to every stage
/// (as Testcontainers passes WithDockerEndpoint): nothing reads DOCKER_HOST behind the build's back.
/// </summary>
public sealed class DockerEngine(Uri endpoint) : IDisposable
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    /// <summary>The conventional socket path on an engine host reached over TCP (it cannot be derived from the URL).</summary>
    public const string DefaultSocketPath = "/var/run/docker.sock";

    public static readonly Uri DefaultEndpoint = new(DefaultSocket);

    // Clients replaced by a negotiation: a stage may still hold one, so they live as long as this engine.
    private readonly List<IDockerClient> _replaced = [];

    public Uri Endpoint { get; } = endpoint;

    /// <summary>The client: unversioned (the engine's own default) until <see cref="NegotiateAsync"/>, then at the negotiated version.</summary>
    public IDockerClient Client { get; private set; } = Create(endpoint, apiVersion: null);

    /// <summary>The Engine API version the client speaks, once negotiated.</summary>
    public Version? ApiVersion { get; private set; }

    /// <summary>Asks the engine which API versions it supports (GET /version answers on every version) and
    /// from then on speaks the newest both sides know. Restore does this before any stage takes the client.</summary>
    public async Task<Version> NegotiateAsync(CancellationToken ct)
    {
        var version = await Client.System.GetVersionAsync(ct);
        var chosen = EngineApi.Negotiate(Endpoint, version.Version, version.APIVersion, version.MinAPIVersion);
        if (chosen != ApiVersion)
        {
            _replaced.Add(Client);
            Client = Create(Endpoint, chosen);
            ApiVersion = chosen;
        }
        return chosen;
    }

    /// <summary>(ServerVersion, ApiVersion) when the engine answers; null when it does not (no socket, refused, timeout, TLS).</summary>
    public async Task<(string Version, string ApiVersion)?> PingAsync(CancellationToken ct)
    {
        // A ping is short: an engine that does not answer in 5 s does not answer.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var version = await Client.System.GetVersionAsync(deadline.Token);
            return (version.Version, version.APIVersion);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>True when the engine answers (to tell a lost engine from an error it reported).</summary>
    public async Task<bool> AnswersAsync() => await PingAsync(CancellationToken.None) is not null;

    // Long: image builds, imports and layer deletions take minutes; calls that must be short (probes,
    // pings, gate execs) bound themselves with a cancellation token.
    private static IDockerClient Create(Uri endpoint, Version? apiVersion)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(TimeSpan.FromHours(1));
        return (apiVersion is null ? builder : builder.WithApiVersion(apiVersion)).Build();
    }

    /// <summary>The engine's socket on its host (bound into T4 containers): the unix:// path, else the conventional one.</summary>
    public string SocketPath => Endpoint.Scheme == "unix" ? Endpoint.LocalPath : DefaultSocketPath;

    public void Dispose()
    {
        Client.Dispose();
        foreach (var client in _replaced)
            client.Dispose();
    }
}
