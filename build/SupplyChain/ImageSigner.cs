using Serilog;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// After the push: sign the digest, attach both SBOMs as attestations, then verify the signature and the
/// attestations against the public key, as a consumer would, before the pin may be written. Returns the
/// pin's supply-chain record.
/// </summary>
public sealed class ImageSigner(CosignCli cosign, SignatureVerifier verifier, string scratchDirectory, HttpMessageHandler? registryHandler = null)
{
    public async Task<SupplyChainRecord> SignAsync(
        SupplyChainCheck check, string repository, string digest, SigningKey key, RegistryCredentials registry,
        IReadOnlyList<ExpectedPackage> expected, CaTrust caTrust, string? changeBase, CancellationToken ct)
    {
        if (!check.Passed)
            throw new SupplyChainException($"{check.Template}: not signed: the supply-chain gate refused the image:\n{string.Join("\n", check.Problems)}");
        if (DevelopmentSignaturePolicy.RefusalReason(check.Template, key, registry.Address) is { } refusal)
            throw new SupplyChainException(refusal);

        var reference = $"{repository}@{digest}";
        using var auth = RegistryAuth.Create(scratchDirectory, registry.Address, registry.Username, registry.Password);
        await cosign.SignAsync(reference, key, auth, ct);
        foreach (var sbom in check.Sboms.Both)
            await cosign.AttestAsync(reference, key, sbom, auth, ct);
        Log.Information("{Template}: signed {Reference} with {Key} and attached its SPDX and CycloneDX SBOMs", check.Template, reference, key);

        var request = new VerificationRequest(check.Template, repository, digest, key.PublicKeyPem, expected,
            check.Sboms.Both.ToDictionary(s => s.Format, s => s.Digest));
        var result = await verifier.VerifyAsync(request, auth, ct);
        if (!result.Passed)
            throw new SupplyChainException($"{check.Template}: the signature or attestations just written do not verify; no pin is written:\n{string.Join("\n", result.Problems)}");

        var host = RegistryHost.Parse(registry.Address);
        using var client = new RegistryClient(host, registry.Username, registry.Password, handler: registryHandler);
        var path = repository[(repository.IndexOf('/') + 1)..];
        var signatureTag = CosignTags.Signature(digest);
        var attestationTag = CosignTags.Attestation(digest);
        return new SupplyChainRecord(
            new SbomReferences(new SbomReference(check.Sboms.Spdx.Digest, check.Sboms.Spdx.PredicateType),
                new SbomReference(check.Sboms.CycloneDx.Digest, check.Sboms.CycloneDx.PredicateType)),
            new CosignReference(signatureTag, await client.GetManifestDigestAsync(path, signatureTag, ct)),
            new CosignReference(attestationTag, await client.GetManifestDigestAsync(path, attestationTag, ct)),
            new PublicKeyRecord(key.Fingerprint, key.IsDevelopment),
            new SecretScanSummary(check.Secrets.Suppressed.Count, check.Secrets.Scanned, changeBase),
            new SecurityUpgradeSummary(check.Security.Suite + "-security", check.Security.Pending, check.Security.CheckedAt),
            caTrust);
    }

    /// <summary>The CycloneDX SBOM attested on an earlier pin, verified with <paramref name="key"/> as a consumer would read it;
    /// or why it cannot be read (another key signed it, the attestation is gone).</summary>
    public async Task<(Sbom? Sbom, string? Problem)> ReadAttestedSbomAsync(string template, string repository, string digest,
        SupplyChainRecord record, SigningKey key, RegistryCredentials registry, CancellationToken ct)
    {
        using var auth = RegistryAuth.Create(scratchDirectory, registry.Address, registry.Username, registry.Password);
        var result = await verifier.VerifyAsync(new VerificationRequest(template, repository, digest, key.PublicKeyPem, [], record.SbomDigests), auth, ct);
        return result.Sboms.TryGetValue(SbomFormat.CycloneDx, out var sbom)
            ? (sbom, null)
            : (null, result.Problems.FirstOrDefault() ?? "no CycloneDX attestation");
    }
}
