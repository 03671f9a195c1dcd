using System.Text.Json;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class ProvenanceTests
{
    static readonly string Base = "sha256:" + new string('b', 64);
    static readonly string Commit = new('c', 40);
    static readonly string Digest = "sha256:" + new string('d', 64);

    static ProvenanceFacts Facts => new("codex", "Publish", "1.0.0", ["RUNTIME_VERSION", "PIP_INDEX_URL", "AGENT_PACKAGE"], "https://git.example.test/fleet.git", Commit,
        [new(Provenance.BaseInput, "127.0.0.1:5000/molecule-fleet/base", Provenance.Sha256(Base)), new("inputs", null, Provenance.Sha256("sha256:" + new string('e', 64)))],
        "local, unix engine", "20261207-1", DateTimeOffset.Parse("2026-12-07T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset.Parse("2026-12-07T01:05:00Z", System.Globalization.CultureInfo.InvariantCulture));

    static JsonElement Statement(string subject, byte[] predicate) => JsonDocument.Parse(
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"x\",\"digest\":{\"sha256\":\"" + subject[7..] + "\"}}],"
        + "\"predicateType\":\"" + Provenance.PredicateType + "\",\"predicate\":" + System.Text.Encoding.UTF8.GetString(predicate) + "}").RootElement;

    [Fact]
    public void The_predicate_records_source_parameters_by_name_inputs_by_digest_and_the_run()
    {
        var predicate = Provenance.Predicate(Facts);
        var json = JsonDocument.Parse(predicate).RootElement;
        var definition = json.GetProperty("buildDefinition");
        Assert.Equal(Provenance.BuildType, definition.GetProperty("buildType").GetString());
        Assert.Equal(["AGENT_PACKAGE", "PIP_INDEX_URL", "RUNTIME_VERSION"], definition.GetProperty("externalParameters").GetProperty("buildArgs").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("1.0.0", definition.GetProperty("externalParameters").GetProperty("runtimeVersion").GetString());
        var inputs = definition.GetProperty("resolvedDependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal(Commit, inputs[Provenance.SourceInput].GetProperty("digest").GetProperty("gitCommit").GetString());
        Assert.Equal("git+https://git.example.test/fleet.git", inputs[Provenance.SourceInput].GetProperty("uri").GetString());
        Assert.Equal(new string('b', 64), inputs[Provenance.BaseInput].GetProperty("digest").GetProperty("sha256").GetString());
        var run = json.GetProperty("runDetails");
        Assert.Equal("2026-12-07T01:00:00Z", run.GetProperty("metadata").GetProperty("startedOn").GetString());
        // The keys as cosign stores them (its in-toto-golang writes "invocationID"): else the pin's digest never matches the registry's.
        Assert.Equal(["finishedOn", "invocationID", "startedOn"], run.GetProperty("metadata").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("local, unix engine", run.GetProperty("builder").GetProperty("version").GetProperty("runner").GetString());
        // Canonical, so its digest is stable.
        Assert.Equal(CanonicalJson.Digest(predicate), CanonicalJson.Digest(Provenance.Predicate(Facts)));
    }

    [Fact]
    public void It_is_checked_against_the_pin_s_digest_base_and_commit()
    {
        var statement = Statement(Digest, Provenance.Predicate(Facts));
        Assert.Empty(Provenance.Check("codex", statement, Digest, Base, Commit));
        Assert.Equal([$"codex: provenance: its subject is {Digest}, not the pin's digest sha256:{new string('0', 64)}."],
            Provenance.Check("codex", statement, "sha256:" + new string('0', 64), Base, Commit));
        Assert.Equal([$"codex: provenance: built FROM base {Base}, but the pin's base is sha256:{new string('1', 64)}."],
            Provenance.Check("codex", statement, Digest, "sha256:" + new string('1', 64), Commit));
        Assert.Equal([$"codex: provenance: built from commit {Commit}, but the pin says {new string('2', 40)}."],
            Provenance.Check("codex", statement, Digest, Base, new string('2', 40)));
        // The base's own pin has no base to hold it to.
        Assert.Empty(Provenance.Check("base", Statement(Digest, Provenance.Predicate(Facts with { Inputs = [] })), Digest, null, Commit));
    }
}
