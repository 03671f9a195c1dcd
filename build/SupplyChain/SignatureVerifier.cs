using System.Text.Json;

namespace TemplateFleet.SupplyChain;

/// <summary>What a signed image must prove: its digest in its repository, the key, and what its SBOMs must say.</summary>
/// <param name="Repository">host[:port]/path, without tag or digest.</param>
/// <param name="SbomDigests">The canonical SBOM digests the pin (or the build) recorded; null when not known.</param>
/// <param name="Provenance">What the build provenance must say; null: it is not checked.</param>
public sealed record VerificationRequest(
    string Template, string Repository, string Digest, string PublicKeyPem,
    IReadOnlyList<ExpectedPackage> Packages, IReadOnlyDictionary<SbomFormat, string>? SbomDigests, ExpectedProvenance? Provenance = null)
{
    public string Reference => $"{Repository}@{Digest}";
}

/// <summary>The provenance a digest must carry: its predicate's canonical digest (null: any), the base it was built
/// FROM (null for the base itself) and the commit it was built from.</summary>
public sealed record ExpectedProvenance(string? Digest, string? BaseDigest, string Commit);

/// <summary>The outcome: one line per problem, and what was read from the registry.</summary>
public sealed record VerificationResult(string Template, IReadOnlyList<string> Problems, IReadOnlyDictionary<SbomFormat, Sbom> Sboms)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Checks a pushed digest against a public key: a signature that verifies, an SPDX and a CycloneDX attestation
/// that verify, whose subject is that digest, whose predicate is the SBOM recorded (canonical digest), and
/// whose packages hold the runtime and agent versions asked for. Used before a pin is written and by
/// consumers on the pins as they stand.
/// </summary>
public sealed class SignatureVerifier(CosignCli cosign)
{
    public async Task<VerificationResult> VerifyAsync(VerificationRequest request, RegistryAuth auth, CancellationToken ct)
    {
        var problems = new List<string>();
        var sboms = new Dictionary<SbomFormat, Sbom>();
        var fingerprint = PublicKeyFingerprint.Of(request.PublicKeyPem);

        // The signature and both attestations are read side by side (cosign only reads here); problems keep this order.
        var signature = cosign.VerifyAsync(request.Reference, request.PublicKeyPem, auth, ct);
        var attestations = new[] { SbomFormat.Spdx, SbomFormat.CycloneDx }
            .Select(format => (Format: format, Read: cosign.VerifyAttestationAsync(request.Reference, request.PublicKeyPem, format == SbomFormat.Spdx ? "spdxjson" : "cyclonedx", auth, ct)))
            .ToList();
        var provenance = request.Provenance is null ? null : cosign.VerifyAttestationAsync(request.Reference, request.PublicKeyPem, SupplyChain.Provenance.CosignType, auth, ct);
        await Task.WhenAll(attestations.Select(a => (Task)a.Read).Prepend(signature).Concat(provenance is null ? [] : [provenance]));
        if (await signature is { } signatureProblem)
            problems.Add($"{request.Template}: signature: {Explain(signatureProblem, request, CosignTags.Signature(request.Digest), fingerprint)}");

        foreach (var (format, read) in attestations)
        {
            var (statements, problem) = await read;
            var what = $"{request.Template}: {Sbom.FormatName(format)} attestation";
            if (problem is not null)
            {
                problems.Add($"{what}: {Explain(problem, request, CosignTags.Attestation(request.Digest), fingerprint)}");
                continue;
            }
            var expectedDigest = request.SbomDigests?.GetValueOrDefault(format);
            var match = statements.FirstOrDefault(s => Provenance.Subjects(s).FirstOrDefault() == request.Digest && (expectedDigest is null || PredicateDigest(s) == expectedDigest));
            if (match.ValueKind == JsonValueKind.Undefined)
            {
                problems.Add(statements.Count == 0
                    ? $"{what}: none is attached to {request.Reference}."
                    : $"{what}: none of the {statements.Count} attached is about {request.Digest} with the SBOM digest {expectedDigest ?? "(any)"}; "
                      + $"found {string.Join(", ", statements.Select(PredicateDigest).Distinct())}.");
                continue;
            }
            var sbom = Sbom.Parse(match.GetProperty("predicate"), format, $"the {Sbom.FormatName(format)} attestation of {request.Reference}");
            sboms[format] = sbom;
            problems.AddRange(SbomVersionCheck.Check(request.Template, sbom, $"attested on {request.Reference}", request.Packages));
        }
        if (provenance is not null)
            problems.AddRange(CheckProvenance(request, await provenance, fingerprint));
        return new VerificationResult(request.Template, problems, sboms);
    }

    /// <summary>The provenance attested with the key: the one the pin records (by predicate digest), about the pin's digest, FROM its base, from its commit.</summary>
    static IEnumerable<string> CheckProvenance(VerificationRequest request, (IReadOnlyList<JsonElement> Statements, string? Problem) read, string fingerprint)
    {
        var expected = request.Provenance!;
        var what = $"{request.Template}: provenance";
        if (read.Problem is not null)
            return [$"{what}: {Explain(read.Problem, request, CosignTags.Attestation(request.Digest), fingerprint)}"];
        var candidates = read.Statements.Where(s => expected.Digest is null || PredicateDigest(s) == expected.Digest).ToList();
        if (candidates.Count == 0)
            return [read.Statements.Count == 0
                ? $"{what}: none is attached to {request.Reference}."
                : $"{what}: none of the {read.Statements.Count} attached is the one the pin records ({expected.Digest}); found {string.Join(", ", read.Statements.Select(PredicateDigest).Distinct())}."];
        // The one that checks out, else the problems of the first.
        var checks = candidates.Select(s => Provenance.Check(request.Template, s, request.Digest, expected.BaseDigest, expected.Commit)).ToList();
        return checks.FirstOrDefault(c => c.Count == 0) ?? checks[0];
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
