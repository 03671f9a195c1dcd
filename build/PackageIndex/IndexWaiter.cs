using System.Net;
using System.Text.Json;
using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>Waits until a package index serves a version through PyPI's JSON API (/pypi/&lt;name&gt;/&lt;version&gt;/json):
/// a release is triggered right after upload, and mirrors and CDNs lag behind.</summary>
public sealed class IndexWaiter(HttpMessageHandler? handler = null)
{
    /// <param name="indexUrl">Root of the JSON API (the part before /pypi/...): a parameter, never a literal host.</param>
    public async Task WaitAsync(Uri indexUrl, string package, string version, TimeSpan timeout, TimeSpan interval, CancellationToken ct)
    {
        var url = VersionUrl(indexUrl, package, version);
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + timeout;
        var attempts = 0;
        string last;
        while (true)
        {
            attempts++;
            last = await ProbeAsync(http, url, version, ct);
            if (last == "served")
            {
                Log.Information("{Package} {Version} is served by {Index} (attempt {Attempt})", package, version, indexUrl, attempts);
                return;
            }
            if (DateTime.UtcNow + interval > deadline)
                break;
            Log.Information("{Package} {Version} not on {Index} yet ({Last}); next try in {Seconds} s", package, version, indexUrl, last, interval.TotalSeconds);
            await Task.Delay(interval, ct);
        }
        throw new FleetException(
            $"{package} {version} did not appear on the index {indexUrl} within {timeout.TotalSeconds:0} s "
            + $"({attempts} attempts, last answer: {last}). Check that the version was uploaded, or raise the wait timeout parameter.");
    }

    /// <summary>PEP 503 normalised name in the JSON API path.</summary>
    public static Uri VersionUrl(Uri indexUrl, string package, string version)
    {
        var root = indexUrl.AbsoluteUri.EndsWith('/') ? indexUrl : new Uri(indexUrl.AbsoluteUri + "/");
        return new Uri(root, $"pypi/{PackageName.Normalize(package)}/{Uri.EscapeDataString(version)}/json");
    }

    static async Task<string> ProbeAsync(HttpClient http, Uri url, string version, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return "HTTP 404";
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
