using TemplateFleet.Cascade;
using TemplateFleet.Fleet;
using TemplateFleet.Publishing;
using TemplateFleet.Python;

namespace UnitTests.Cascade;

/// <summary>This run's results as the forge layer's proposal, and the watch's "newer than the pins".</summary>
public sealed class CascadeProposalTests : IDisposable
{
    readonly CascadeRun cascade = new();

    public void Dispose() => cascade.Dispose();

    static GateResult Gate(string gate, string template, int passed, params string[] failed)
    {
        var result = new GateResult(gate, template) { Shape = "fallback: every grantable capability" };
        for (var i = 0; i < passed; i++)
            result.Checks.Add(new CheckResult { Id = $"ok-{i}", Description = "ok", Passed = true });
        foreach (var id in failed)
            result.Checks.Add(new CheckResult { Id = id, Description = id, Passed = false });
        return result;
    }

    [Fact]
    public void Published_templates_bring_old_and_new_digest_gates_and_shape_and_their_pin_file()
    {
        var oldPin = new Pin("127.0.0.1:5000/molecule-fleet/codex", "sha256:" + new string('9', 64), "1.0.0", "0ld", DateTimeOffset.UnixEpoch);
        cascade.Run["codex"].Smoke = Gate("smoke", "codex", 6);
        cascade.Run["codex"].T4 = Gate("t4", "codex", 10);
        cascade.Published("codex");
        cascade.Run["hermes"].Smoke = Gate("smoke", "hermes", 5, "cli-version");
        cascade.Kept("hermes", "Smoke failed: cli-version");

        var proposal = CascadeProposal.From(cascade.Context, cascade.Run, new Dictionary<string, Pin?> { ["codex"] = oldPin, ["hermes"] = null });

        Assert.Equal(("molecule-ai-workspace-runtime", "1.2.0", "c0ffee1"), (proposal.RuntimePackage, proposal.RuntimeVersion, proposal.SourceRevision));
        var codex = proposal.Templates.Single(t => t.Template == "codex");
        Assert.Equal(oldPin.Digest, codex.OldDigest);
        Assert.Equal(CascadeRun.Digest, codex.NewDigest);
        Assert.Equal("127.0.0.1:5000/molecule-fleet/codex", codex.Image);
        Assert.Equal("1", codex.AgentVersion);
        Assert.Equal("6/6", codex.Smoke!.ToString());
        Assert.Equal("10/10", codex.T4!.ToString());
        Assert.Equal("fallback: every grantable capability", codex.ProvisionerShape);
        Assert.True(codex.Published);
        var hermes = proposal.Templates.Single(t => t.Template == "hermes");
        Assert.False(hermes.Published);
        Assert.Equal("Smoke failed: cli-version", hermes.KeptReason);
        Assert.Equal("5/6 (1 failed)", hermes.Smoke!.ToString());
        Assert.Equal("Publish did not run", proposal.Templates.Single(t => t.Template == "claude-code").KeptReason);

        var file = Assert.Single(proposal.Files);
        Assert.Equal("templates/codex/pin.json", file.Path);
        Assert.Equal(File.ReadAllText(Path.Combine(cascade.Root, "templates", "codex", "pin.json")), file.Content);
        proposal.Validate();
    }

    [Fact]
    public void A_template_that_failed_to_build_says_so()
    {
        cascade.Run["codex"].Build = StageStatus.Failed;
        cascade.Run["codex"].BuildFailure = "npm install exited 1";

        var proposal = CascadeProposal.From(cascade.Context, cascade.Run, new Dictionary<string, Pin?>());

        Assert.Equal("build failed: npm install exited 1", proposal.Templates.Single(t => t.Template == "codex").KeptReason);
        Assert.Empty(proposal.Files);
    }

    [Fact]
    public void A_broken_pin_file_is_not_proposed()
    {
        cascade.Published("codex");
        File.WriteAllText(Path.Combine(cascade.Root, "templates", "codex", "pin.json"), "{ half");
        Assert.Throws<FleetException>(() => CascadeProposal.From(cascade.Context, cascade.Run, new Dictionary<string, Pin?>()));
    }

    [Fact]
    public void The_watch_finds_the_templates_whose_pins_hold_an_older_runtime_or_none()
    {
        Pin At(string version) => new("r/x", "sha256:" + new string('1', 64), version, "r", DateTimeOffset.UnixEpoch);
        var pins = new Dictionary<string, Pin?> { ["a"] = At("1.2.0"), ["b"] = At("1.1.9"), ["c"] = null, ["d"] = At("1.10.0") };

        Assert.Equal(["b", "c"], RuntimeWatch.Behind(Pep440Version.Parse("1.2.0"), pins));
        Assert.Equal(["a", "b", "c"], RuntimeWatch.Behind(Pep440Version.Parse("1.3.0"), pins));
        Assert.Equal(["c"], RuntimeWatch.Behind(Pep440Version.Parse("1.1.0"), pins));
    }
}
