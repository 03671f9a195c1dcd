using System.Net;
using System.Text.Json;
using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// The offline profile's package index: builds development wheels from templates/packages/ (the
/// runtime at fleet.yaml's development versions plus any requested version, and every `packages:`
/// stand-in), writes them as a static index under &lt;outputDir&gt;/package-index/ and serves it on loopback
/// until disposed. The index is PEP 503 simple pages (simple/index.html, simple/&lt;name&gt;/index.html) and
/// PyPI's JSON API (pypi/&lt;name&gt;/json, pypi/&lt;name&gt;/&lt;version&gt;/json) over the wheels in packages/.
/// </summary>
public sealed class EmbeddedIndex(LoopbackIndexServer server, string root, IReadOnlyList<BuiltWheel> wheels) : IAsyncDisposable
{
    public const string FolderName = "package-index";

    /// <summary>Tried first so PIP_INDEX_URL (a build arg) stays the same from build to build.</summary>
    public const int PreferredPort = 39503;

    const string PackagesFolder = "packages";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>PEP 503 simple API for pip's --index-url / PIP_INDEX_URL.</summary>
    public Uri SimpleUrl => new(server.BaseUrl, "simple/");

    /// <summary>Base of PyPI's JSON API (&lt;base&gt;/pypi/&lt;name&gt;/json).</summary>
    public Uri JsonApiBase => server.BaseUrl;

    public string Root => root;
    public IReadOnlyList<BuiltWheel> Wheels => wheels;

    /// <param name="outputDir">The build's output folder; the index is written to outputDir/package-index.</param>
    /// <param name="preferredPort">Port tried first; 0 means any free port.</param>
    public static Task<EmbeddedIndex> StartAsync(FleetConfig config, IEnumerable<string> extraRuntimeVersions, string outputDir, CancellationToken ct, int preferredPort = PreferredPort)
    {
        var root = Path.Combine(outputDir, FolderName);
        // Rewritten each run: wheels are deterministic, so the bytes (and the pip layers) do not change.
        if (Directory.Exists(root))
            Directory.Delete(root, recursive: true);

        var wheels = new List<BuiltWheel>();
        var runtime = config.Runtime.Development;
        foreach (var (name, source, versions) in config.Packages.Select(p => (p.Name, p.Source, p.Versions.AsEnumerable()))
                     .Prepend((config.Runtime.Package, runtime.Source, runtime.Versions.Concat(extraRuntimeVersions))))
        {
            ct.ThrowIfCancellationRequested();
            var manifest = PackageManifest.Load(name, Path.GetFullPath(Path.Combine(config.TemplatesDirectory, source)));
            wheels.AddRange(versions.Distinct().Select(version => WheelBuilder.Build(manifest, version, Path.Combine(root, PackagesFolder))));
        }

        var server = LoopbackIndexServer.Start(root, preferredPort);
        Write(root, wheels, server.BaseUrl);
        var index = new EmbeddedIndex(server, root, wheels);
        Log.Information("Embedded package index (DEVELOPMENT packages) at {Url}: {Wheels}", index.SimpleUrl,
            string.Join(", ", wheels.Select(w => $"{w.Name}=={w.Version}")));
        return Task.FromResult(index);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    /// <summary>The simple pages and the JSON API of the wheels; the JSON API lists absolute file URLs under <paramref name="baseUrl"/>.</summary>
    static void Write(string root, IEnumerable<BuiltWheel> wheels, Uri baseUrl)
    {
        var projects = wheels.GroupBy(w => PackageName.Normalize(w.Name)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        WriteFile(Path.Combine(root, "simple", "index.html"), Header("Simple index") + string.Concat(projects.Select(p => $"    <a href=\"{p.Key}/\">{p.Key}</a>\n")) + Footer);
        foreach (var project in projects)
        {
            var versions = project.OrderBy(w => Pep440Version.Parse(w.Version)).ToList();
            // Each wheel with its hash and, when it has one, its Python requirement (PEP 503's data-requires-python).
            WriteFile(Path.Combine(root, "simple", project.Key, "index.html"), Header($"Links for {project.Key}") + string.Concat(versions.Select(w =>
                $"    <a href=\"../../{PackagesFolder}/{w.FileName}#sha256={w.Sha256}\"{(w.RequiresPython.Length > 0 ? $" data-requires-python=\"{WebUtility.HtmlEncode(w.RequiresPython)}\"" : "")}>{w.FileName}</a><br/>\n")) + Footer);

            var releases = new Dictionary<string, FileJson[]>();
            foreach (var wheel in versions)
            {
                releases[wheel.Version] = [FileOf(wheel, baseUrl)];
                WriteFile(Path.Combine(root, "pypi", project.Key, wheel.Version, "json"), JsonSerializer.Serialize(new { Info = Info(wheel), Urls = releases[wheel.Version] }, Json));
            }
            var latest = versions[^1];
            WriteFile(Path.Combine(root, "pypi", project.Key, "json"), JsonSerializer.Serialize(new { Info = Info(latest), Releases = releases, Urls = releases[latest.Version] }, Json));
        }
    }

    static void WriteFile(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    static InfoJson Info(BuiltWheel wheel) => new(wheel.Name, wheel.Version, wheel.Summary, wheel.RequiresPython);

    static FileJson FileOf(BuiltWheel wheel, Uri baseUrl) => new(wheel.FileName, new Uri(baseUrl, $"{PackagesFolder}/{wheel.FileName}").ToString(),
        new() { ["sha256"] = wheel.Sha256 }, "bdist_wheel", "py3", wheel.RequiresPython, wheel.Size, Yanked: false);

    static string Header(string title) =>
        $"<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.0\">\n    <title>{title}</title>\n  </head>\n  <body>\n";

    const string Footer = "  </body>\n</html>\n";

    // PyPI's JSON API: of a project its info, its releases and the newest's files; of a version its info and files.
    sealed record InfoJson(string Name, string Version, string Summary, string RequiresPython);

    sealed record FileJson(string Filename, string Url, Dictionary<string, string> Digests, string Packagetype, string PythonVersion, string RequiresPython, long Size, bool Yanked);
}
