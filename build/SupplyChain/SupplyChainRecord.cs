using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using TemplateFleet.Pins;

namespace TemplateFleet.SupplyChain;

/// <summary>What a shipped image trusts of the build network's extra CA bundle (--ca-bundle).</summary>
[JsonConverter(typeof(PinJson.KebabCase<CaTrust>))]
public enum CaTrust
{
    /// <summary>No extra CA was given.</summary>
    None,
    /// <summary>Trusted while the image was built, removed from what the agents trust at run time (the default).</summary>
    BuildOnly,
    /// <summary>Kept trusted at run time, because a parameter asked for it.</summary>
    RunTime,
}

public sealed record SbomReference([property: JsonConverter(typeof(PinJson.Digest))] string Digest, string PredicateType);

public sealed record SbomReferences(SbomReference Spdx, [property: JsonPropertyName("cyclonedx")] SbomReference CycloneDx)
{
    public SbomReference this[SbomFormat format] => format == SbomFormat.Spdx ? Spdx : CycloneDx;
}

/// <summary>The build provenance attested on the digest: its canonical predicate's digest and its type.</summary>
public sealed record ProvenanceReference([property: JsonConverter(typeof(PinJson.Digest))] string Digest, string PredicateType);

/// <summary>A cosign object stored as a tag of the image's repository.</summary>
public sealed record CosignReference(string Tag, [property: JsonConverter(typeof(PinJson.Digest))] string Digest);

public sealed record PublicKeyRecord([property: JsonConverter(typeof(PinJson.Digest))] string Fingerprint, bool Development);

public sealed record SecretScanSummary(int Suppressed, IReadOnlyList<string> Scanned, string? ChangeBase = null)
{
    /// <summary>A pin is only written for a clean image, so the only result a pin can carry is "clean".</summary>
    public const string Clean = "clean";

    [JsonPropertyOrder(-1)]
    public string Result { get; init; } = Clean;
}

public sealed record SecurityUpgradeSummary(string Suite, IReadOnlyList<PendingUpgrade> Pending, DateTimeOffset CheckedAt);

/// <summary>
/// The pin's "supplyChain" (pin format v2, issue 8): the SBOMs by canonical digest, the signature and attestation tags,
/// the key's fingerprint, the secret scan, the security upgrades pending at build time, the CA trust decision and (v3)
/// the build provenance attested on the digest; null in a v2 pin, which VerifyPins refuses.
/// Serialised with the pin (<see cref="PinJson"/>); <see cref="Problems"/> adds the rules a converter cannot see.
/// </summary>
public sealed partial record SupplyChainRecord(
    SbomReferences Sbom,
    CosignReference Signature,
    CosignReference Attestation,
    PublicKeyRecord PublicKey,
    SecretScanSummary SecretScan,
    SecurityUpgradeSummary SecurityUpgrades,
    CaTrust CaTrust,
    ProvenanceReference? Provenance = null)
{
    /// <summary>What is wrong with a record as read, one line each, the keys under <paramref name="at"/> ("supplyChain").</summary>
    public IEnumerable<string> Problems(string at)
    {
        if (SecretScan.Result != SecretScanSummary.Clean)
            yield return $"'{at}.secretScan.result' must be '{SecretScanSummary.Clean}' (a pin is only written for an image that passed the secret scan)";
        foreach (var format in new[] { SbomFormat.Spdx, SbomFormat.CycloneDx }.Where(f => Sbom[f].PredicateType != SbomDocument.PredicateTypeOf(f)))
            yield return $"'{at}.sbom.{(format == SbomFormat.Spdx ? "spdx" : "cyclonedx")}.predicateType' must be {SbomDocument.PredicateTypeOf(format)}, got '{Sbom[format].PredicateType}'";
        if (Provenance is { } provenance && provenance.PredicateType != SupplyChain.Provenance.PredicateType)
            yield return $"'{at}.provenance.predicateType' must be {SupplyChain.Provenance.PredicateType}, got '{provenance.PredicateType}'";
        (string Name, CosignReference Reference, string Suffix)[] tags = [("signature", Signature, ".sig"), ("attestation", Attestation, ".att")];
        foreach (var (name, reference, suffix) in tags.Where(t => !CosignTag().IsMatch(t.Reference.Tag) || !t.Reference.Tag.EndsWith(t.Suffix, StringComparison.Ordinal)))
            yield return $"'{at}.{name}.tag' '{reference.Tag}' is not cosign's tag sha256-<64 hex>{suffix}";
    }

    [GeneratedRegex(@"^sha256-[0-9a-f]{64}\.(sig|att)$")]
    private static partial Regex CosignTag();
}
