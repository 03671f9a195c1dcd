using Serilog;
using TemplateFleet.Pins;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>A pin as the consumer verify reads it, what its image must hold, and its file (relative to the repository,
/// for the line that says how to publish it again).</summary>
public sealed record PinToVerify(Pin Pin, IReadOnlyList<ExpectedPackage> Packages, string File);

/// <summary>
/// For the platform before it deploys: each pinned digest, in its registry, must carry a signature that
/// verifies with the given public key and SPDX and CycloneDX attestations whose SBOMs are the ones the pin
/// records and hold the pin's runtime and agent versions, and the build provenance the pin records, about its digest,
/// FROM its base, from its revision. Then the attested SBOM (verified) is checked against
/// its suite's security archive on the host: nothing is pulled, no container started.
/// </summary>
public sealed class PinVerifier(SignatureVerifier verifier, SecurityArchive security, DebianOrigin origin, string scratchDirectory)
{
    /// <summary>The verdict for each pin: problems fail it; the security upgrades that became pending since it was published are reported.</summary>
    public async Task<IReadOnlyList<VerificationResult>> VerifyAsync(IReadOnlyList<PinToVerify> pins, string publicKeyPem, RegistryCredentials registry,
        bool checkSecurity, CancellationToken ct)
    {
        var fingerprint = SigningKey.FingerprintOf(publicKeyPem);
        var results = new List<VerificationResult>();
        using var auth = CosignCli.RegistryConfig(scratchDirectory, registry);
        foreach (var (pin, packages, file) in pins)
        {
            ct.ThrowIfCancellationRequested();
            if (pin.SupplyChain is not { Provenance: { } provenance } record)
            {
                results.Add(new VerificationResult(pin.Template, [pin.SupplyChain is null
                    ? $"{pin.Template}: the pin has no supplyChain record (published before images were signed): publish it again."
                    : $"{pin.Template}: the pin has no build provenance (written before provenance was attested): "
                      + $"delete {file} and run ./build.sh Publish --templates {pin.Template} to publish it again with one."], new Dictionary<SbomFormat, Sbom>()));
                continue;
            }
            var problems = new List<string>();
            if (record.PublicKey.Fingerprint != fingerprint)
                problems.Add($"{pin.Template}: the pin says {pin.Reference} was signed by the key {record.PublicKey.Fingerprint}, "
                    + $"but the public key given is {fingerprint}: pass the public key of the key that publishes this fleet.");
            if (SigningKeys.VerifyRefusal(pin.Template, record.PublicKey.Development, pin.Image.Split('/')[0]) is { } refusal)
                problems.Add(refusal);

            var result = await verifier.VerifyAsync(
                new VerificationRequest(pin.Template, pin.Image, pin.Digest, publicKeyPem, packages, record.Sbom,
                    new ExpectedProvenance(provenance.Digest, pin.Base?.Digest, pin.Revision)), auth, ct);
            problems.AddRange(result.Problems);

            IReadOnlyList<PendingUpgrade> since = [];
            if (checkSecurity && result.Passed && result.Sboms.TryGetValue(SbomFormat.CycloneDx, out var attested))
            {
                since = (await security.CheckAsync(pin.Template, attested.Packages, origin, ct)).Pending.Where(p => !record.SecurityUpgrades.Pending.Any(b => b.Package == p.Package && b.Candidate == p.Candidate)).ToList();
                if (since.Count > 0)
                    Log.Warning("{Template}: {Count} security upgrade(s) pending since the pin was published: {List}",
                        pin.Template, since.Count, string.Join(", ", since));
            }
            var verdict = result with { Problems = problems, PendingSincePublished = since };
            if (verdict.Passed)
                Log.Information("{Template}: {Reference} verified: signature, SPDX + CycloneDX attestations and build provenance by {Key}", pin.Template, pin.Reference, fingerprint);
            else
                Log.Error("{Template}: {Problems}", pin.Template, string.Join("\n", problems));
            results.Add(verdict);
        }
        return results;
    }
}
