using Serilog;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>A pin as the consumer verify reads it: which digest, what it must hold, and its supply-chain record.</summary>
/// <param name="Repository">host[:port]/path of the pinned image.</param>
/// <param name="Record">Null for a pin written before images were signed.</param>
/// <param name="BaseDigest">The base the pin says the image was built FROM (null for the base); its provenance must say the same.</param>
/// <param name="Revision">The commit the pin says it was built from; its provenance must say the same.</param>
/// <param name="PinFile">The pin file, relative to the repository, for the line that says how to publish it again.</param>
public sealed record PinToVerify(string Template, string Repository, string Digest, IReadOnlyList<ExpectedPackage> Packages, SupplyChainRecord? Record,
    string? BaseDigest, string Revision, string PinFile)
{
    public string Reference => $"{Repository}@{Digest}";
}

/// <summary>The verdict for one pin: problems fail it; security upgrades that became pending since it was
/// published are reported, since a consumer decides whether to redeploy.</summary>
public sealed record PinVerification(string Template, IReadOnlyList<string> Problems, IReadOnlyList<PendingUpgrade> PendingNow, IReadOnlyList<PendingUpgrade> PendingSincePublished)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// For the platform before it deploys: each pinned digest, in its registry, must carry a signature that
/// verifies with the given public key and SPDX and CycloneDX attestations whose SBOMs are the ones the pin
/// records and hold the pin's runtime and agent versions, and the build provenance the pin records, about its digest,
/// FROM its base, from its revision. Then the attested SBOM (verified) is checked against
/// its suite's security archive on the host: nothing is pulled, no container started.
/// </summary>
public sealed class PinVerifier(SignatureVerifier verifier, SecurityUpgradeCheck security, DebianOrigin origin, string scratchDirectory)
{
    public async Task<IReadOnlyList<PinVerification>> VerifyAsync(IReadOnlyList<PinToVerify> pins, string publicKeyPem, RegistryCredentials registry,
        bool checkSecurity, CancellationToken ct)
    {
        var fingerprint = PublicKeyFingerprint.Of(publicKeyPem);
        var results = new List<PinVerification>();
        using var auth = RegistryAuth.Create(scratchDirectory, registry.Address, registry.Username, registry.Password);
        foreach (var pin in pins)
        {
            ct.ThrowIfCancellationRequested();
            var problems = new List<string>();
            if (pin.Record is null)
            {
                results.Add(new PinVerification(pin.Template,
                    [$"{pin.Template}: the pin has no supplyChain record (published before images were signed): publish it again."], [], []));
                continue;
            }
            if (pin.Record.Provenance is not { } provenance)
            {
                results.Add(new PinVerification(pin.Template, [$"{pin.Template}: the pin has no build provenance (written before provenance was attested): "
                    + $"delete {pin.PinFile} and run ./build.sh Publish --templates {pin.Template} to publish it again with one."], [], []));
                continue;
            }
            if (pin.Record.PublicKey.Fingerprint != fingerprint)
                problems.Add($"{pin.Template}: the pin says {pin.Reference} was signed by the key {pin.Record.PublicKey.Fingerprint}, "
                    + $"but the public key given is {fingerprint}: pass the public key of the key that publishes this fleet.");
            if (DevelopmentSignaturePolicy.VerifyRefusal(pin.Template, pin.Record.PublicKey.Development, pin.Repository.Split('/')[0]) is { } refusal)
                problems.Add(refusal);

            var result = await verifier.VerifyAsync(
                new VerificationRequest(pin.Template, pin.Repository, pin.Digest, publicKeyPem, pin.Packages, pin.Record.SbomDigests,
                    new ExpectedProvenance(provenance.Digest, pin.BaseDigest, pin.Revision)), auth, ct);
            problems.AddRange(result.Problems);

            IReadOnlyList<PendingUpgrade> now = [];
            IReadOnlyList<PendingUpgrade> since = [];
            if (checkSecurity && result.Passed && result.Sboms.TryGetValue(SbomFormat.CycloneDx, out var attested))
            {
                now = (await security.CheckAsync(pin.Template, attested.Packages, origin, ct)).Pending;
                since = now.Where(p => !pin.Record.SecurityUpgrades.Pending.Any(b => b.Package == p.Package && b.Candidate == p.Candidate)).ToList();
                if (since.Count > 0)
                    Log.Warning("{Template}: {Count} security upgrade(s) pending since the pin was published: {List}",
                        pin.Template, since.Count, string.Join(", ", since));
            }
            var verdict = new PinVerification(pin.Template, problems, now, since);
            if (verdict.Passed)
                Log.Information("{Template}: {Reference} verified: signature, SPDX + CycloneDX attestations and build provenance by {Key}", pin.Template, pin.Reference, fingerprint);
            else
                Log.Error("{Template}: {Problems}", pin.Template, string.Join("\n", problems));
            results.Add(verdict);
        }
        return results;
    }
}
