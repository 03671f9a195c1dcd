using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TemplateFleet.SupplyChain;

/// <summary>A resolved input of a build, by digest (SLSA's ResourceDescriptor).</summary>
/// <param name="Digest">Algorithm → hex ("sha256" → "ab12…", "gitCommit" → "…").</param>
public sealed record ProvenanceInput(string Name, string? Uri, IReadOnlyDictionary<string, string> Digest);

/// <summary>
/// What one image's build provenance says: the source (repository without credentials, commit), the target and
/// the parameters that shaped the image (template, runtime version, build args by name only: a value may be a
/// secret or carry credentials in a URL), the resolved inputs by digest (base image, OS layer, the inputs
/// address, the agent's lock files) and the run (builder, runner, start, end).
/// </summary>
public sealed record ProvenanceFacts(
    string Template,
    string Target,
    string? RuntimeVersion,
    IReadOnlyList<string> BuildArgs,
    string SourceRepository,
    string Commit,
    IReadOnlyList<ProvenanceInput> Inputs,
    string Runner,
    string InvocationId,
    DateTimeOffset StartedOn,
    DateTimeOffset FinishedOn);

/// <summary>
/// An in-toto SLSA provenance v1 predicate (https://slsa.dev/spec/v1.0/provenance) for one image, attested with
/// cosign (`--type slsaprovenance1`, the subject is the pushed digest) and signed with the release's key like
/// the SBOMs; and the reading back a consumer does: the subject, the base and the commit against the pin.
/// </summary>
public static class Provenance
{
    public const string PredicateType = "https://slsa.dev/provenance/v1";
    public const string CosignType = "slsaprovenance1";
    /// <summary>What built it: this repository's build (./build.sh), publishing one image.</summary>
    public const string BuildType = "urn:template-fleet:build-type:publish:v1";
    public const string BuilderId = "urn:template-fleet:builder:build.sh";
    public const string BaseInput = "base";
    public const string SourceInput = "source";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The predicate, canonical: its digest is what the pin records and a consumer recomputes.</summary>
    public static byte[] Predicate(ProvenanceFacts facts) => CanonicalJson.Canonicalize(JsonSerializer.Serialize(new
    {
        buildDefinition = new
        {
            buildType = BuildType,
            externalParameters = new
            {
                target = facts.Target,
                template = facts.Template,
                source = new { uri = facts.SourceRepository, commit = facts.Commit },
                buildArgs = facts.BuildArgs.Order(StringComparer.Ordinal),
                runtimeVersion = facts.RuntimeVersion,
            },
            resolvedDependencies = facts.Inputs.Prepend(new ProvenanceInput(SourceInput, "git+" + facts.SourceRepository, new Dictionary<string, string> { ["gitCommit"] = facts.Commit })),
        },
        runDetails = new
        {
            builder = new { id = BuilderId, version = new { runner = facts.Runner } },
            // "invocationID", not the spec's "invocationId": cosign 2.5 reads the predicate into in-toto-golang's
            // BuildMetadata, whose JSON tag there is "invocationID", and stores it so; the pin's digest is of what is stored.
            metadata = new { invocationID = facts.InvocationId, startedOn = Time(facts.StartedOn), finishedOn = Time(facts.FinishedOn) },
        },
    }, Json));

    static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"sha256:ab…" as a descriptor digest ({"sha256": "ab…"}).</summary>
    public static IReadOnlyDictionary<string, string> Sha256(string digest) =>
        new Dictionary<string, string> { ["sha256"] = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest["sha256:".Length..] : digest };

    /// <summary>A file's content by sha256 (a lock file).</summary>
    public static ProvenanceInput File(string name, string uri, string path) =>
        new(name, uri, new Dictionary<string, string> { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path))) });

    /// <summary>What a consumer holds a provenance to: the pin's digest (the statement's subject), base and commit.</summary>
    /// <param name="baseDigest">The pin's base digest; null for the base's own pin.</param>
    public static IReadOnlyList<string> Check(string template, JsonElement statement, string digest, string? baseDigest, string commit)
    {
        var problems = new List<string>();
        var subjects = Subjects(statement);
        if (!subjects.Contains(digest))
            problems.Add($"{template}: provenance: its subject is {string.Join(", ", subjects.DefaultIfEmpty("(none)"))}, not the pin's digest {digest}.");
        if (!statement.TryGetProperty("predicate", out var predicate) || predicate.ValueKind != JsonValueKind.Object)
            return [.. problems, $"{template}: provenance: the statement has no predicate."];
        var source = InputDigest(predicate, SourceInput, "gitCommit");
        if (source != commit)
            problems.Add($"{template}: provenance: built from commit {source ?? "(none)"}, but the pin says {commit}.");
        if (baseDigest is not null)
        {
            var @base = InputDigest(predicate, BaseInput, "sha256");
            if (@base is null || "sha256:" + @base != baseDigest)
                problems.Add($"{template}: provenance: built FROM base {(@base is null ? "(none)" : "sha256:" + @base)}, but the pin's base is {baseDigest}.");
        }
        return problems;
    }

    /// <summary>The digests an in-toto statement is about ("sha256:…"), in its order.</summary>
    public static IReadOnlyList<string> Subjects(JsonElement statement) =>
        statement.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(x => x.TryGetProperty("digest", out var d) && d.TryGetProperty("sha256", out var h) ? "sha256:" + h.GetString() : null).OfType<string>().ToList()
            : [];

    /// <summary>The digest by <paramref name="algorithm"/> of the resolved dependency <paramref name="name"/> (the last of that name with a digest object).</summary>
    static string? InputDigest(JsonElement predicate, string name, string algorithm) =>
        predicate.TryGetProperty("buildDefinition", out var definition) && definition.TryGetProperty("resolvedDependencies", out var list) && list.ValueKind == JsonValueKind.Array
        && list.EnumerateArray().LastOrDefault(d => d.TryGetProperty("name", out var n) && n.GetString() == name && d.TryGetProperty("digest", out var g) && g.ValueKind == JsonValueKind.Object) is { ValueKind: JsonValueKind.Object } dependency
        && dependency.GetProperty("digest").TryGetProperty(algorithm, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
