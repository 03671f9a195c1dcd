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

    /// <summary>How the pin records them (and a consumer finds them).</summary>
    public SbomReferences References => new(new(Spdx.Digest, Spdx.PredicateType), new(CycloneDx.Digest, CycloneDx.PredicateType));
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
        var files = Formats.Select(f => Path.Combine(cacheDirectory, key, FileName("sbom", f))).ToList();
        if (!files.All(File.Exists))
            return null;
        try
        {
            var set = Store(template, await Task.WhenAll(files.Select(f => File.ReadAllBytesAsync(f, ct))));
            Log.Information("{Template}: SBOMs of these layers from the cache ({Count} packages)", template, set.Spdx.Sbom.Packages.Count);
            return set;
        }
        catch (SupplyChainException)
        {
            return null; // unreadable: make them again
        }
    }

    /// <summary>Both conversions side by side, canonical; cached under <paramref name="key"/> when given.</summary>
    public async Task<SbomSet> WriteAsync(string template, string report, CancellationToken ct, string? key = null)
    {
        using var scratch = PrivateDirectory.Create(scratchDirectory, $"sbom-{template}");
        var reportFile = Path.Combine(scratch.Path, "report.json");
        await File.WriteAllTextAsync(reportFile, report, ct);
        var canonical = (await Task.WhenAll(Formats.Select(f => trivy.ConvertAsync(reportFile, f, template, ct)))).Select(CanonicalJson.Canonicalize).ToArray();
        var set = Store(template, canonical);
        if (cacheDirectory is not null && key is not null)
        {
            foreach (var (format, bytes) in Formats.Zip(canonical))
                AtomicFile.Write(Path.Combine(cacheDirectory, key, FileName("sbom", format)), bytes);
        }
        Log.Information("{Template}: SBOMs {Spdx} ({SpdxCount} packages) and {Cdx}", template,
            Path.GetFileName(set.Spdx.File), set.Spdx.Sbom.Packages.Count, Path.GetFileName(set.CycloneDx.File));
        return set;
    }

    static readonly SbomFormat[] Formats = [SbomFormat.Spdx, SbomFormat.CycloneDx];

    public static string FileName(string template, SbomFormat format) =>
        $"{template}.{(format == SbomFormat.Spdx ? "spdx" : "cdx")}.json";

    /// <summary>The canonical documents (in <see cref="Formats"/>' order) as output/sbom/&lt;template&gt;.*.json.</summary>
    SbomSet Store(string template, byte[][] canonical)
    {
        var documents = Formats.Select((format, i) =>
        {
            var file = Path.Combine(sbomDirectory, FileName(template, format));
            AtomicFile.Write(file, canonical[i]);
            return new SbomDocument(format, file, CanonicalJson.Digest(canonical[i]), Sbom.Parse(CanonicalJson.ToText(canonical[i]), format, file));
        }).ToList();
        return new SbomSet(documents[0], documents[1]);
    }
}
