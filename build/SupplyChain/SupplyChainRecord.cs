namespace TemplateFleet.SupplyChain;

/// <summary>What a shipped image trusts of the build network's extra CA bundle (--ca-bundle).</summary>
public enum CaTrust
{
    /// <summary>No extra CA was given.</summary>
    None,
    /// <summary>Trusted while the image was built, removed from what the agents trust at run time (the default).</summary>
    BuildOnly,
    /// <summary>Kept trusted at run time, because a parameter asked for it.</summary>
    RunTime,
}

public sealed record SbomReference(string Digest, string PredicateType);

/// <summary>The build provenance attested on the digest: its canonical predicate's digest and its type.</summary>
public sealed record ProvenanceReference(string Digest, string PredicateType);

/// <summary>A cosign object stored as a tag of the image's repository.</summary>
public sealed record CosignReference(string Tag, string Digest);

public sealed record PublicKeyRecord(string Fingerprint, bool Development);

public sealed record SecretScanSummary(int Suppressed, IReadOnlyList<string> Scanned, string? ChangeBase)
{
    /// <summary>A pin is only written for a clean image, so the only result a pin can carry is "clean".</summary>
    public const string Clean = "clean";
}

public sealed record SecurityUpgradeSummary(string Suite, IReadOnlyList<PendingUpgrade> Pending, DateTimeOffset CheckedAt);

/// <summary>
/// The "supplyChain" object of a pin (pin format v2, issue 8): the SBOMs by canonical digest, the signature
/// and attestation tags, the key's fingerprint, the secret scan, the security upgrades pending at build time
/// and the CA trust decision. Read and written by <see cref="SupplyChainRecordJson"/>.
/// </summary>
public sealed record SupplyChainRecord(
    SbomReference Spdx,
    SbomReference CycloneDx,
    CosignReference Signature,
    CosignReference Attestation,
    PublicKeyRecord PublicKey,
    SecretScanSummary SecretScan,
    SecurityUpgradeSummary SecurityUpgrades,
    CaTrust CaTrust)
{
    public IReadOnlyDictionary<SbomFormat, string> SbomDigests => new Dictionary<SbomFormat, string>
    {
        [SbomFormat.Spdx] = Spdx.Digest,
        [SbomFormat.CycloneDx] = CycloneDx.Digest,
    };
}
