using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.Registry;

/// <summary>The few Distribution API calls Publish needs, with the auth the registry asks for
/// (basic, or a bearer token from the realm it names). Credentials go only into Authorization headers.</summary>
public sealed class RegistryClient(RegistryHost host, string? username, string? password, bool? plainHttp = null, HttpMessageHandler? handler = null) : IDisposable
{
    public const string DockerManifestV2 = "application/vnd.docker.distribution.manifest.v2+json";
    public const string OciManifestV1 = "application/vnd.oci.image.manifest.v1+json";

    readonly HttpClient http = new(handler ?? new HttpClientHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(30) };
    readonly Uri apiBase = host.ApiBase(plainHttp);
    readonly string registry = host.ToString();
    AuthenticationHeaderValue? authorization;

    /// <summary>HEAD /v2/&lt;repository&gt;/manifests/&lt;reference&gt; and return its Docker-Content-Digest.</summary>
    public async Task<string> GetManifestDigestAsync(string repository, string reference, CancellationToken ct)
    {
        var uri = new Uri(apiBase, $"v2/{repository}/manifests/{reference}");
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, uri)
        {
            Headers = { Accept = { new MediaTypeWithQualityHeaderValue(DockerManifestV2), new MediaTypeWithQualityHeaderValue(OciManifestV1) } },
        }, $"repository:{repository}:pull", ct);

        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new FleetException($"{registry}: manifest {repository}:{reference} not found after the push reported success.");
        if (!response.IsSuccessStatusCode)
            throw new FleetException($"{registry}: reading the manifest of {repository}:{reference} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        if (!response.Headers.TryGetValues("Docker-Content-Digest", out var values) || values.FirstOrDefault() is not { Length: > 0 } digest)
            throw new FleetException($"{registry}: the manifest response for {repository}:{reference} has no Docker-Content-Digest header.");
        return digest;
    }

    async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string scope, CancellationToken ct)
    {
        var response = await SendOnceAsync(create, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;

        var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
        response.Dispose();
        authorization = challenge?.Scheme.ToLowerInvariant() switch
        {
            "basic" => Basic(),
            "bearer" => await BearerAsync(challenge, scope, ct),
            _ => throw new FleetException($"{registry}: answered 401 without a usable WWW-Authenticate challenge."),
        };

        response = await SendOnceAsync(create, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new FleetException($"{registry}: the registry rejected the credentials for user '{username}' (HTTP 401). Check the registry username and password parameters.");
        }
        return response;
    }

    async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, CancellationToken ct)
    {
        using var request = create();
        request.Headers.Authorization = authorization;
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new FleetException($"{registry}: cannot reach the registry at {apiBase}: {e.Message}", e);
        }
    }

    AuthenticationHeaderValue Basic()
    {
        if (username is null || password is null)
            throw new FleetException($"{registry}: the registry requires credentials; pass the registry username and password parameters.");
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
    }

    async Task<AuthenticationHeaderValue> BearerAsync(AuthChallenge challenge, string scope, CancellationToken ct)
    {
        if (challenge["realm"] is not { Length: > 0 } realm)
            throw new FleetException($"{registry}: the bearer challenge names no realm.");
        var service = challenge["service"] is { } name ? $"service={Uri.EscapeDataString(name)}&" : "";
        var tokenUri = new UriBuilder(realm) { Query = $"{service}scope={Uri.EscapeDataString(challenge["scope"] ?? scope)}" }.Uri;

        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        if (username is not null && password is not null)
            request.Headers.Authorization = Basic();
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new FleetException($"{registry}: the token service {tokenUri.GetLeftPart(UriPartial.Path)} answered HTTP {(int)response.StatusCode}; check the registry credentials.");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var token = body.RootElement.TryGetProperty("token", out var t) ? t.GetString()
            : body.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
        if (string.IsNullOrEmpty(token))
            throw new FleetException($"{registry}: the token service answered without a token.");
        return new AuthenticationHeaderValue("Bearer", token);
    }

    public void Dispose() => http.Dispose();
}

/// <summary>A parsed WWW-Authenticate challenge: Basic realm="..." or Bearer realm="...",service="...",scope="...".</summary>
public sealed partial record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            return null;
        var parts = header.Trim().Split(' ', 2);
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in Parameter().Matches(parts.Length > 1 ? parts[1] : ""))
            parameters[m.Groups["name"].Value] = m.Groups["quoted"].Success ? m.Groups["quoted"].Value.Replace("\\\"", "\"") : m.Groups["token"].Value;
        return new AuthChallenge(parts[0], parameters);
    }

    [GeneratedRegex("""(?<name>[A-Za-z0-9_\-]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^\s,]+))""")]
    private static partial Regex Parameter();
}
