using System.Net;
using System.Text.Json;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.KeepCurrent;

/// <summary>
/// A package's releases on the package index given as --package-index, read from its JSON API as
/// <see cref="RuntimeVersionResolver"/> reads it (PyPI's shape, GET &lt;base&gt;/pypi/&lt;name&gt;/json): per release its upload
/// time (the earliest of its files; none when the index gives no upload_time_iso_8601) and whether every file is yanked.
/// </summary>
public sealed class PackageIndexReleases(HttpClient http, string simpleIndexUrl)
{
    public string JsonApiBase { get; } = RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(simpleIndexUrl);

    public async Task<IReadOnlyList<UpstreamRelease>> ReadAsync(string package, CancellationToken ct)
    {
        using var doc = await GetAsync($"{JsonApiBase}/pypi/{PackageName.Normalize(package)}/json", package, ct);
        var releases = new List<UpstreamRelease>();
        if (!doc.RootElement.TryGetProperty("releases", out var all) || all.ValueKind != JsonValueKind.Object)
            throw new KeepCurrentException($"{JsonApiBase}: the JSON API's page for {package} has no 'releases'; is --package-index the simple URL of a package index?");
        foreach (var release in all.EnumerateObject().Where(r => r.Value.ValueKind == JsonValueKind.Array && r.Value.GetArrayLength() > 0 && Pep440Version.TryParse(r.Name, out _)))
        {
            var files = release.Value.EnumerateArray().ToList();
            var times = files.Select(f => f.TryGetProperty("upload_time_iso_8601", out var t) && t.ValueKind == JsonValueKind.String ? VersionScheme.ParseDate(t.GetString()!) : null)
                .OfType<DateTimeOffset>().ToList();
            var yanked = files.All(f => f.TryGetProperty("yanked", out var y) && y.ValueKind == JsonValueKind.True);
            releases.Add(new UpstreamRelease(release.Name, times.Count > 0 ? times.Min() : null,
                Refused: yanked ? new Hold(HoldKind.Yanked, "yanked") : null));
        }
        return releases;
    }

    async Task<JsonDocument> GetAsync(string url, string what, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new KeepCurrentException($"the package index at {JsonApiBase} does not have {what} (GET {url}: 404); check the name and version in the fleet data, or --package-index.");
            if (!response.IsSuccessStatusCode)
                throw new KeepCurrentException($"the package index at {JsonApiBase} answered {(int)response.StatusCode} to GET {url}; check --package-index and the index's health.");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new KeepCurrentException($"the package index at {JsonApiBase} did not answer GET {url} ({e.InnerException?.Message ?? e.Message}); check --package-index and that the index runs.");
        }
        catch (JsonException e)
        {
            throw new KeepCurrentException($"GET {url} did not return PyPI JSON ({e.Message}); is {JsonApiBase} the JSON API base of a package index?");
        }
    }
}
