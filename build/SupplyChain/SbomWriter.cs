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
/// recomputes from the attestation.
/// </summary>
public sealed class SbomWriter(TrivyCli trivy, string sbomDirectory, string scratchDirectory)
{
    public string SbomDirectory { get; } = sbomDirectory;

    public async Task<SbomSet> WriteAsync(string template, TrivyReport report, CancellationToken ct)
    {
        Directory.CreateDirectory(SbomDirectory);
        var scratch = PrivateDirectory.Create(scratchDirectory, $"sbom-{template}");
        try
        {
            var reportFile = Path.Combine(scratch.Path, "report.json");
            await File.WriteAllTextAsync(reportFile, report.SanitizedForConversion, ct);
            var spdx = await WriteOneAsync(template, reportFile, SbomFormat.Spdx, ct);
            var cyclonedx = await WriteOneAsync(template, reportFile, SbomFormat.CycloneDx, ct);
            Log.Information("{Template}: SBOMs {Spdx} ({SpdxCount} packages) and {Cdx}", template,
                Path.GetFileName(spdx.File), spdx.Sbom.Packages.Count, Path.GetFileName(cyclonedx.File));
            return new SbomSet(spdx, cyclonedx);
        }
        finally
        {
            scratch.Dispose();
        }
    }

    public static string FileName(string template, SbomFormat format) =>
        $"{template}.{(format == SbomFormat.Spdx ? "spdx" : "cdx")}.json";

    async Task<SbomDocument> WriteOneAsync(string template, string reportFile, SbomFormat format, CancellationToken ct)
    {
        var text = await trivy.ConvertAsync(reportFile, format, template, ct);
        var canonical = CanonicalJson.Canonicalize(text);
        var file = Path.Combine(SbomDirectory, FileName(template, format));
        AtomicFile.Write(file, canonical);
        var sbom = Sbom.Parse(CanonicalJson.ToText(canonical), format, file);
        return new SbomDocument(format, file, CanonicalJson.Digest(canonical), sbom);
    }
}
