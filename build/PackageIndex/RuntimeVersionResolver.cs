using System.Net;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// Asks a package index's JSON API (PyPI's shape: GET {base}/pypi/{name}/json) which runtime versions exist:
/// the newest usable release (pip's rule: finals first, pre-releases only when no final exists; a release
/// needs a file that is not yanked), and whether a given version has appeared yet (Cascade waits for it).
/// </summary>
public sealed class RuntimeVersionResolver(HttpClient http, string jsonApiBase, string package, ResolverOptions? options = null)
{
    private readonly ResolverOptions _options = options ?? new ResolverOptions();

    public string JsonApiBase { get; } = jsonApiBase.TrimEnd('/');
    public string ProjectUrl => $"{JsonApiBase}/pypi/{Uri.EscapeDataString(package)}/json";

    /// <summary>PEP 503 simple index URL (…/simple or …/simple/) -> the JSON API base beside it (its parent).</summary>
    public static string JsonApiBaseFromSimpleIndex(string simpleIndexUrl, string parameterName = "--package-index")
    {
        if (!Uri.TryCreate(simpleIndexUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new FleetException($"{parameterName} '{Printable.Of(simpleIndexUrl)}' is not an http(s) URL of a simple index (example: http://127.0.0.1:8080/simple/)");
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/simple", StringComparison.Ordinal))
            throw new FleetException($"{parameterName} '{Printable.Of(simpleIndexUrl)}' does not end in /simple/; give the index's simple API URL (example: http://127.0.0.1:8080/simple/)");
        return new UriBuilder(uri) { Path = path[..^"/simple".Length] }.Uri.ToString().TrimEnd('/');
    }

    /// <summary>The newest release pip would pick without --pre.</summary>
    public async Task<Pep440Version> ResolveLatestAsync(CancellationToken cancellationToken = default)
    {
        var releases = await GetUsableReleasesAsync(cancellationToken)
            ?? throw new FleetException($"'{package}' is not on the package index {JsonApiBase} (GET {ProjectUrl} returned 404 Not Found); check the index URL or publish the package first");
        var finals = releases.Where(r => !r.IsPreRelease).ToList();
        var newest = (finals.Count > 0 ? finals : releases).Max()
            ?? throw new FleetException($"'{package}' has no usable release on {JsonApiBase}: every release is yanked, has no files or is not a PEP 440 version; publish one");
        Log.Debug("Newest usable {Package} on {Index}: {Version} (of {Count} usable releases)", package, JsonApiBase, newest, releases.Count);
        return newest;
    }

    /// <summary>Usable releases, or null when the index does not know the package (404).</summary>
    private async Task<List<Pep440Version>?> GetUsableReleasesAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await BuildPipeline(_options).ExecuteAsync(
                async ct => await http.GetAsync(ProjectUrl, HttpCompletionOption.ResponseContentRead, ct),
                cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return null;
            if (!response.IsSuccessStatusCode)
                throw new FleetException($"the package index at {JsonApiBase} answered {(int)response.StatusCode} {response.ReasonPhrase} to GET {ProjectUrl}; check the index URL and the index's health");
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return UsableReleases(json.RootElement);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new FleetException($"the package index at {JsonApiBase} did not answer GET {ProjectUrl} ({Reason(e)}) after {_options.MaxRetries + 1} attempts; check the index URL and that the index is running");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FleetException($"GET {ProjectUrl} did not return PyPI JSON ({e.Message}); is {JsonApiBase} the JSON API base of a package index?");
        }
    }

    // Versions pip cannot parse (legacy strings) are ignored, as pip ignores them; a release needs a file that is not yanked.
    private static List<Pep440Version> UsableReleases(JsonElement root) =>
    [
        .. root.GetProperty("releases").EnumerateObject()
            .Where(r => r.Value.ValueKind == JsonValueKind.Array && r.Value.EnumerateArray().Any(f => !(f.TryGetProperty("yanked", out var y) && y.ValueKind == JsonValueKind.True)))
            .Select(r => Pep440Version.TryParse(r.Name, out var version) ? version : null).OfType<Pep440Version>(),
    ];

    private static string Reason(Exception e) => e switch
    {
        TimeoutRejectedException t => $"no answer within {t.Timeout.TotalSeconds:0} s",
        OperationCanceledException => "the request timed out",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => e.Message,
    };

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ResolverOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<OperationCanceledException>(e => e.InnerException is TimeoutException)
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests),
                OnRetry = args =>
                {
                    Log.Debug("Package index request failed ({Outcome}); retry {Attempt} in {Delay}",
                        args.Outcome.Exception?.Message ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(), args.AttemptNumber + 1, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>Waits until a package index serves a version through PyPI's JSON API (/pypi/&lt;name&gt;/&lt;version&gt;/json):
    /// a release is triggered right after upload, and mirrors and CDNs lag behind.</summary>
    /// <param name="indexUrl">Root of the JSON API (the part before /pypi/...): a parameter, never a literal host.</param>
    public static async Task WaitForAsync(Uri indexUrl, string package, string version, TimeSpan timeout, TimeSpan interval, CancellationToken ct, HttpMessageHandler? handler = null)
    {
        var url = VersionUrl(indexUrl, package, version);
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + timeout;
        for (var attempts = 1; ; attempts++)
        {
            var last = await ProbeAsync(http, url, version, ct);
            if (last == "served")
            {
                Log.Information("{Package} {Version} is served by {Index} (attempt {Attempt})", package, version, indexUrl, attempts);
                return;
            }
            if (DateTime.UtcNow + interval > deadline)
            {
                throw new FleetException(
                    $"{package} {version} did not appear on the index {indexUrl} within {timeout.TotalSeconds:0} s "
                    + $"({attempts} attempts, last answer: {last}). Check that the version was uploaded, or raise the wait timeout parameter.");
            }
            Log.Information("{Package} {Version} not on {Index} yet ({Last}); next try in {Seconds} s", package, version, indexUrl, last, interval.TotalSeconds);
            await Task.Delay(interval, ct);
        }
    }

    /// <summary>PEP 503 normalised name in the JSON API path.</summary>
    public static Uri VersionUrl(Uri indexUrl, string package, string version) =>
        new(indexUrl.AbsoluteUri.EndsWith('/') ? indexUrl : new Uri(indexUrl.AbsoluteUri + "/"), $"pypi/{PackageName.Normalize(package)}/{Uri.EscapeDataString(version)}/json");

    static async Task<string> ProbeAsync(HttpClient http, Uri url, string version, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            if (!response.IsSuccessStatusCode)
                return $"HTTP {(int)response.StatusCode}";
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var served = body.RootElement.TryGetProperty("info", out var info) && info.TryGetProperty("version", out var v) ? v.GetString() : null;
            var files = body.RootElement.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array ? urls.GetArrayLength() : 0;
            // A version page without files is a release still uploading: pip could not install it yet.
            return served == version && files > 0 ? "served" : $"HTTP 200 with version '{served}' and {files} file(s)";
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return e.Message;
        }
    }
}

/// <summary>How patiently <see cref="RuntimeVersionResolver"/> talks to the index.</summary>
public sealed class ResolverOptions
{
    /// <summary>Retries after the first attempt for transient failures (no answer, 5xx, 429).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>First back-off delay; it doubles per retry.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Limit for one request, whatever the HttpClient's own timeout is.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
