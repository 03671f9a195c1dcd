using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TemplateFleet.Forges.Gitea;

/// <summary>One answer of the API: the status and the body as text, read as JSON on demand.</summary>
internal sealed record GiteaResponse(int Status, string Text, string Request)
{
    public T Read<T>() => JsonSerializer.Deserialize<T>(Text, GiteaApi.Json)
        ?? throw new ForgeException($"Gitea answered {Request} with an empty body.");

    /// <summary>The body as <typeparamref name="T"/>, or null when it is not that JSON.</summary>
    public T? TryRead<T>() where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Text, GiteaApi.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Gitea's own words for a refusal (the "message" of its error JSON), or the start of the text.</summary>
    public string Message => TryRead<GiteaError>()?.Message is { Length: > 0 } message ? message : Start(Text.ReplaceLineEndings(" ").Trim());

    static string Start(string text) => text.Length == 0 ? "no message" : text.Length > 200 ? text[..200] + "..." : text;

    /// <summary>True for 200, false for 404 (not there); anything else is <see cref="Unexpected"/>.</summary>
    public bool Found(string doing) => Status == 200 || (Status == 404 ? false : throw Unexpected(doing));

    /// <summary>Anything this route does not expect: one line with the request, the status and Gitea's message.</summary>
    public ForgeException Unexpected(string doing) =>
        new($"Gitea answered {Request} ({doing}) with HTTP {Status}: {Message}.");
}

internal sealed record GiteaError(string? Message);

/// <summary>
/// Gitea's API v1 over a plain HttpClient and System.Text.Json (see build/Forges/README.md for why not Octokit).
/// The token goes into the Authorization header and nowhere else; failures to reach the forge become one line.
/// </summary>
/// <param name="root">The API root, ending in '/'.</param>
internal sealed class GiteaApi(Uri root, string token, TimeSpan timeout) : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    readonly HttpClient http = new()
    {
        Timeout = timeout,
        DefaultRequestHeaders =
        {
            UserAgent = { new ProductInfoHeaderValue("template-fleet-build", "1") },
            Accept = { new MediaTypeWithQualityHeaderValue("application/json") },
            // Gitea's AuthorizationHeaderToken scheme: "token <value>" (routers/api/v1/api.go, swagger:meta).
            Authorization = new AuthenticationHeaderValue("token", token),
        },
    };

    public Uri Root => root;

    public async Task<GiteaResponse> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var described = $"{method} {path.Split('?')[0]}";
        using var request = new HttpRequestMessage(method, new Uri(Root, path));
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.SendAsync(request, ct);
            return new GiteaResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct), described);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            var reason = e is HttpRequestException ? e.Message : $"no answer within {http.Timeout.TotalSeconds:0} s";
            throw new ForgeException($"cannot reach the forge at {Root} ({reason}): check the forge API URL parameter and that the host answers.", e);
        }
    }

    public Task<GiteaResponse> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>Each '/'-separated part escaped on its own: branch names and paths keep their slashes.</summary>
    public static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public void Dispose() => http.Dispose();
}
