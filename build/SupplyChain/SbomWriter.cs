using Serilog;
using TemplateFleet.Files;

namespace TemplateFleet.SupplyChain;

/// <summary>One SBOM as written under output/sbom/: its file, the digest of its canonical form, its packages.</summary>
public sealed record SbomDocument(SbomFormat Format, string File, string Digest, Sbom Sbom)
{
    /// <summary>cosign's predicate type for this format (`cosign attest --type`).</summary>
    public string CosignType => Format == SbomFormat.Spdx ? "spdxjson" : "cyclonedx";

    /// <summary>The in-toto predicate type cosign records for <see cref="CosignType"/>.</summary>
    public string PredicateType => PredicateTypeOf(Format);

    public static string PredicateTypeOf(SbomFormat format) =>
        format == SbomFormat.Spdx ? "https://spdx.dev/Document" : "https://cyclonedx.org/bom";
}

public sealed record SbomSet(SbomDocument Spdx, SbomDocument CycloneDx)
{
    public IEnumerable<SbomDocument> Both => [Spdx, CycloneDx];
}

/// <summary>
/// Turns one trivy pass over an image into output/sbom/&lt;template&gt;.spdx.json and .cdx.json, each in
/// <see cref="CanonicalJson"/> form so that its file digest is the digest a pin records and a consumer
/// recomputes from the attestation. Both conversions run side by side. The documents are cached in the per-user
/// cache by what they depend on (this trivy and its options, the subject's name, the image's layers in order),
/// so an image whose layers are unchanged (a new label, a new commit) gets the same SBOMs without trivy.
/// </summary>
/// <param name="cacheDirectory">The per-user SBOM cache; null: none.</param>
public sealed class SbomWriter(TrivyCli trivy, string sbomDirectory, string scratchDirectory, string? cacheDirectory = null)
{
    /// <summary>The cache key of the SBOMs of <paramref name="subject"/> with these layers.</summary>
    public string KeyFor(string subject, IEnumerable<string> diffIds) =>
        LayerSecretScan.Sha256(string.Join("\n", [Path.GetFileName(trivy.CacheDirectory), subject, .. diffIds]))[..40];

    /// <summary>The cached SBOMs for <paramref name="key"/>, written to output/sbom/ as if made now; null when not cached.</summary>
    public async Task<SbomSet?> CachedAsync(string template, string key, CancellationToken ct)
    {
        if (cacheDirectory is null)
            return null;
        var folder = Path.Combine(cacheDirectory, key);
        var files = new[] { SbomFormat.Spdx, SbomFormat.CycloneDx }.Select(f => (Format: f, File: Path.Combine(folder, FileName("sbom", f)))).ToList();
        if (!files.All(f => File.Exists(f.File)))
            return null;
        try
        {
            var documents = new List<SbomDocument>();
            foreach (var (format, file) in files)
                documents.Add(await StoreAsync(template, format, await File.ReadAllBytesAsync(file, ct), ct));
            Log.Information("{Template}: SBOMs of these layers from the cache ({Count} packages)", template, documents[0].Sbom.Packages.Count);
            return new SbomSet(documents[0], documents[1]);
        }
        catch (SupplyChainException)
        {
            return null; // unreadable: make them again
        }
    }

    public async Task<SbomSet> WriteAsync(string template, TrivyReport report, CancellationToken ct, string? key = null)
    {
        Directory.CreateDirectory(sbomDirectory);
        using var scratch = PrivateDirectory.Create(scratchDirectory, $"sbom-{template}");
        var reportFile = Path.Combine(scratch.Path, "report.json");
        await File.WriteAllTextAsync(reportFile, report.SanitizedForConversion, ct);
        var both = await Task.WhenAll(WriteOneAsync(template, reportFile, SbomFormat.Spdx, ct), WriteOneAsync(template, reportFile, SbomFormat.CycloneDx, ct));
        var (spdx, cyclonedx) = (both[0], both[1]);
        if (cacheDirectory is not null && key is not null)
        {
            foreach (var document in both)
                AtomicFile.Write(Path.Combine(cacheDirectory, key, FileName("sbom", document.Format)), await File.ReadAllBytesAsync(document.File, ct));
        }
        Log.Information("{Template}: SBOMs {Spdx} ({SpdxCount} packages) and {Cdx}", template,
            Path.GetFileName(spdx.File), spdx.Sbom.Packages.Count, Path.GetFileName(cyclonedx.File));
        return new SbomSet(spdx, cyclonedx);
    }

    public static string FileName(string template, SbomFormat format) =>
        $"{template}.{(format == SbomFormat.Spdx ? "spdx" : "cdx")}.json";

    async Task<SbomDocument> WriteOneAsync(string template, string reportFile, SbomFormat format, CancellationToken ct)
    {
        var text = await trivy.ConvertAsync(reportFile, format, template, ct);
        return await StoreAsync(template, format, CanonicalJson.Canonicalize(text), ct);
    }

    async Task<SbomDocument> StoreAsync(string template, SbomFormat format, byte[] canonical, CancellationToken ct)
    {
        var file = Path.Combine(sbomDirectory, FileName(template, format));
        AtomicFile.Write(file, canonical);
        var sbom = Sbom.Parse(CanonicalJson.ToText(canonical), format, file);
        return new SbomDocument(format, file, CanonicalJson.Digest(canonical), sbom);
    }
}
