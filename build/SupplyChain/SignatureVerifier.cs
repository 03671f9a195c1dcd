using System.Text.Json;

namespace TemplateFleet.SupplyChain;

/// <summary>What a signed image must prove: its digest in its repository, the key, and what its SBOMs must say.</summary>
/// <param name="Repository">host[:port]/path, without tag or digest.</param>
/// <param name="Sboms">The SBOMs (by canonical digest) the pin (or the build) recorded; null when not known.</param>
/// <param name="Provenance">What the build provenance must say; null: it is not checked.</param>
public sealed record VerificationRequest(
    string Template, string Repository, string Digest, string PublicKeyPem,
    IReadOnlyList<ExpectedPackage> Packages, SbomReferences? Sboms, ExpectedProvenance? Provenance = null)
{
    public string Reference => $"{Repository}@{Digest}";
}

/// <summary>The provenance a digest must carry: its predicate's canonical digest (null: any), the base it was built
/// FROM (null for the base itself) and the commit it was built from.</summary>
public sealed record ExpectedProvenance(string? Digest, string? BaseDigest, string Commit);

/// <summary>The outcome: one line per problem, what was read from the registry and, for a pin, the security upgrades
/// that became pending since it was published (reported, since a consumer decides whether to redeploy).</summary>
public sealed record VerificationResult(string Template, IReadOnlyList<string> Problems, IReadOnlyDictionary<SbomFormat, Sbom> Sboms)
{
    public bool Passed => Problems.Count == 0;

    public IReadOnlyList<PendingUpgrade> PendingSincePublished { get; init; } = [];
}

/// <summary>
/// Checks a pushed digest against a public key: a signature that verifies, an SPDX and a CycloneDX attestation
/// that verify, whose subject is that digest, whose predicate is the SBOM recorded (canonical digest), and
/// whose packages hold the runtime and agent versions asked for. Used before a pin is written and by
/// consumers on the pins as they stand.
/// </summary>
public sealed class SignatureVerifier(CosignCli cosign)
{
    public async Task<VerificationResult> VerifyAsync(VerificationRequest request, PrivateDirectory auth, CancellationToken ct)
    {
        var problems = new List<string>();
        var sboms = new Dictionary<SbomFormat, Sbom>();
        var fingerprint = SigningKey.FingerprintOf(request.PublicKeyPem);

        // The signature and the attestations are read side by side (cosign only reads here); problems keep this order.
        Task<(IReadOnlyList<JsonElement> Statements, string? Problem)> Read(string? type) => cosign.VerifyAsync(request.Reference, request.PublicKeyPem, type, auth, ct);
        var signature = Read(null);
        var attestations = new[] { SbomFormat.Spdx, SbomFormat.CycloneDx }.Select(f => (Format: f, Read: Read(f == SbomFormat.Spdx ? "spdxjson" : "cyclonedx"))).ToList();
        var provenance = request.Provenance is null ? null : Read(SupplyChain.Provenance.CosignType);
        await Task.WhenAll(attestations.Select(a => a.Read).Prepend(signature).Concat(provenance is null ? [] : [provenance]));
        if ((await signature).Problem is { } signatureProblem)
            problems.Add($"{request.Template}: signature: {Explain(signatureProblem, request, CosignTags.Signature(request.Digest), fingerprint)}");

        foreach (var (format, read) in attestations)
        {
            var expected = request.Sboms?[format].Digest;
            if (Matching($"{request.Template}: {Sbom.FormatName(format)} attestation", await read, request, fingerprint, problems,
                    s => Provenance.Subjects(s).FirstOrDefault() == request.Digest && (expected is null || PredicateDigest(s) == expected),
                    $"is about {request.Digest} with the SBOM digest {expected ?? "(any)"}") is not [var match, ..])
                continue;
            var sbom = Sbom.Parse(match.GetProperty("predicate"), format, $"the {Sbom.FormatName(format)} attestation of {request.Reference}");
            sboms[format] = sbom;
            problems.AddRange(SbomVersionCheck.Check(request.Template, sbom, $"attested on {request.Reference}", request.Packages));
        }
        // The provenance the pin records (by predicate digest), about its digest, FROM its base, from its commit: the one
        // that checks out, else the problems of the first.
        if (request.Provenance is { } want && Matching($"{request.Template}: provenance", await provenance!, request, fingerprint, problems,
                s => want.Digest is null || PredicateDigest(s) == want.Digest, $"is the one the pin records ({want.Digest})") is { } candidates)
        {
            var checks = candidates.Select(s => Provenance.Check(request.Template, s, request.Digest, want.BaseDigest, want.Commit)).ToList();
            problems.AddRange(checks.FirstOrDefault(c => c.Count == 0) ?? checks[0]);
        }
        return new VerificationResult(request.Template, problems, sboms);
    }

    /// <summary>The attested statements <paramref name="matches"/> accepts; or null, with the problem added: cosign's
    /// reason, none attached, or none that is what <paramref name="mismatch"/> says was looked for.</summary>
    static List<JsonElement>? Matching(string what, (IReadOnlyList<JsonElement> Statements, string? Problem) read, VerificationRequest request,
        string fingerprint, List<string> problems, Func<JsonElement, bool> matches, string mismatch)
    {
        var matching = read.Statements.Where(matches).ToList();
        if (read.Problem is not null)
            problems.Add($"{what}: {Explain(read.Problem, request, CosignTags.Attestation(request.Digest), fingerprint)}");
        else if (read.Statements.Count == 0)
            problems.Add($"{what}: none is attached to {request.Reference}.");
        else if (matching.Count == 0)
            problems.Add($"{what}: none of the {read.Statements.Count} attached {mismatch}; found {string.Join(", ", read.Statements.Select(PredicateDigest).Distinct())}.");
        return matching.Count == 0 ? null : matching;
    }

    static string? PredicateDigest(JsonElement statement) =>
        statement.TryGetProperty("predicate", out var predicate) ? CanonicalJson.Digest(predicate) : null;

    static string Explain(string cosignError, VerificationRequest request, string tag, string fingerprint)
    {
        if (cosignError.Contains("no signatures found", StringComparison.OrdinalIgnoreCase)
            || cosignError.Contains("no matching attestations", StringComparison.OrdinalIgnoreCase) && cosignError.Contains("MANIFEST_UNKNOWN", StringComparison.Ordinal))
            return $"nothing is stored for {request.Digest} in {request.Repository} (the tag {tag} is missing); the image was never signed there, or its signature was removed. ({cosignError})";
        if (cosignError.Contains("no matching signatures", StringComparison.OrdinalIgnoreCase) || cosignError.Contains("invalid signature", StringComparison.OrdinalIgnoreCase))
            return $"{request.Reference} is not signed by the key {fingerprint}: this key never signed this digest. ({cosignError})";
        return cosignError;
    }
}

/// <summary>cosign's tag scheme for registries without a referrers API.</summary>
public static class CosignTags
{
    public static string Signature(string digest) => digest.Replace(':', '-') + ".sig";
    public static string Attestation(string digest) => digest.Replace(':', '-') + ".att";
}
