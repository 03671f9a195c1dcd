using Serilog;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// After the push: sign the digest, attach both SBOMs and the build provenance as attestations, then verify the
/// signature and the attestations against the public key, as a consumer would, before the pin may be written.
/// Returns the pin's supply-chain record.
/// </summary>
public sealed class ImageSigner(CosignCli cosign, SignatureVerifier verifier, string scratchDirectory)
{
    public async Task<SupplyChainRecord> SignAsync(
        SupplyChainCheck check, string repository, string digest, SigningKey key, RegistryCredentials registry,
        IReadOnlyList<ExpectedPackage> expected, CaTrust caTrust, string? changeBase, ProvenanceFacts provenance, CancellationToken ct,
        StepTimings? timings = null)
    {
        timings ??= new StepTimings();
        if (!check.Passed)
            throw new SupplyChainException($"{check.Template}: not signed: the supply-chain gate refused the image:\n{string.Join("\n", check.Problems)}");
        if (SigningKeys.RefusalReason(check.Template, key, registry.Address) is { } refusal)
            throw new SupplyChainException(refusal);

        var reference = $"{repository}@{digest}";
        using var auth = CosignCli.RegistryConfig(scratchDirectory, registry);
        using var predicates = PrivateDirectory.Create(scratchDirectory, "provenance");
        var predicate = Provenance.Predicate(provenance);
        var provenanceFile = Path.Combine(predicates.Path, "provenance.json");
        await File.WriteAllBytesAsync(provenanceFile, predicate, ct);
        // The signature (the .sig tag) beside the attestations (the .att tag). The attestations one at a time: each
        // `cosign attest` reads, extends and rewrites the one .att tag of the digest, so two at once would lose one.
        await Task.WhenAll(
            timings.TimeAsync("sign", () => cosign.SignAsync(reference, key, auth, ct)),
            timings.TimeAsync("attest", async () =>
            {
                foreach (var sbom in check.Sboms.Both)
                    await cosign.AttestAsync(reference, key, sbom.CosignType, sbom.File, $"the {Sbom.FormatName(sbom.Format)} SBOM", auth, ct);
                await cosign.AttestAsync(reference, key, Provenance.CosignType, provenanceFile, "the build provenance", auth, ct);
            }));
        Log.Information("{Template}: signed {Reference} with {Key} and attached its SPDX and CycloneDX SBOMs{Provenance}", check.Template, reference, key,
            " and its SLSA build provenance");

        var provenanceReference = new ProvenanceReference(CanonicalJson.Digest(predicate), Provenance.PredicateType);
        var request = new VerificationRequest(check.Template, repository, digest, key.PublicKeyPem, expected, check.Sboms.References,
            new ExpectedProvenance(provenanceReference.Digest, BaseDigestOf(provenance), provenance.Commit));
        var result = await timings.TimeAsync("verify", () => verifier.VerifyAsync(request, auth, ct));
        if (!result.Passed)
            throw new SupplyChainException($"{check.Template}: the signature or attestations just written do not verify; no pin is written:\n{string.Join("\n", result.Problems)}");

        using var client = new RegistryClient(RegistryHost.Parse(registry.Address), registry.Username, registry.Password);
        var path = repository[(repository.IndexOf('/') + 1)..];
        string[] tags = [CosignTags.Signature(digest), CosignTags.Attestation(digest)];
        var tagDigests = await Task.WhenAll(tags.Select(tag => client.GetManifestDigestAsync(path, tag, ct)));
        return new SupplyChainRecord(
            check.Sboms.References,
            new CosignReference(tags[0], tagDigests[0]),
            new CosignReference(tags[1], tagDigests[1]),
            new PublicKeyRecord(key.Fingerprint, key.IsDevelopment),
            new SecretScanSummary(check.Secrets.Suppressed.Count, check.Secrets.Scanned, changeBase),
            new SecurityUpgradeSummary(check.Security.Suite + "-security", check.Security.Pending, check.Security.CheckedAt),
            caTrust,
            provenanceReference);
    }

    static string? BaseDigestOf(ProvenanceFacts facts) =>
        facts.Inputs.FirstOrDefault(i => i.Name == Provenance.BaseInput)?.Digest.GetValueOrDefault("sha256") is { } hex ? "sha256:" + hex : null;

    /// <summary>The CycloneDX SBOM attested on an earlier pin, verified with <paramref name="key"/> as a consumer would read it;
    /// or why it cannot be read (another key signed it, the attestation is gone).</summary>
    public async Task<(Sbom? Sbom, string? Problem)> ReadAttestedSbomAsync(string template, string repository, string digest,
        SupplyChainRecord record, SigningKey key, RegistryCredentials registry, CancellationToken ct)
    {
        using var auth = CosignCli.RegistryConfig(scratchDirectory, registry);
        var result = await verifier.VerifyAsync(new VerificationRequest(template, repository, digest, key.PublicKeyPem, [], record.Sbom), auth, ct);
        return result.Sboms.TryGetValue(SbomFormat.CycloneDx, out var sbom)
            ? (sbom, null)
            : (null, result.Problems.FirstOrDefault() ?? "no CycloneDX attestation");
    }
}
