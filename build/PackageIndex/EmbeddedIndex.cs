using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// The offline profile's package index: builds development wheels from templates/packages/ (the
/// runtime at fleet.yaml's development versions plus any requested version, and every `packages:`
/// stand-in), writes them as a static index under &lt;outputDir&gt;/package-index/ and serves it on loopback
/// until disposed.
/// </summary>
public sealed class EmbeddedIndex(LoopbackIndexServer server, string root, IReadOnlyList<BuiltWheel> wheels) : IAsyncDisposable
{
    public const string FolderName = "package-index";

    /// <summary>Tried first so PIP_INDEX_URL (a build arg) stays the same from build to build.</summary>
    public const int PreferredPort = 39503;

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

        var packages = Path.Combine(root, StaticIndexWriter.PackagesFolder);
        var wheels = new List<BuiltWheel>();
        var runtime = config.Runtime.Development;
        foreach (var (name, source, versions) in new[]
                 {
                     (config.Runtime.Package, runtime.Source, runtime.Versions.Concat(extraRuntimeVersions)),
                 }.Concat(config.Packages.Select(p => (p.Name, p.Source, p.Versions.AsEnumerable()))))
        {
            ct.ThrowIfCancellationRequested();
            var manifest = PackageManifest.Load(name, Path.GetFullPath(Path.Combine(config.TemplatesDirectory, source)));
            foreach (var version in versions.Distinct())
                wheels.Add(WheelBuilder.Build(manifest, version, packages));
        }

        var server = LoopbackIndexServer.Start(root, preferredPort);
        StaticIndexWriter.Write(root, wheels, server.BaseUrl);
        var index = new EmbeddedIndex(server, root, wheels);
        Log.Information("Embedded package index (DEVELOPMENT packages) at {Url}: {Wheels}", index.SimpleUrl,
            string.Join(", ", wheels.Select(w => $"{w.Name}=={w.Version}")));
        return Task.FromResult(index);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
