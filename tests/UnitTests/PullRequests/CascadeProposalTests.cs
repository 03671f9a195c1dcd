using TemplateFleet.Cascade;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;

namespace UnitTests.PullRequests;

/// <summary>A release's results as the forge layer's proposal, and the watch's "newer than the pins".</summary>
public sealed class CascadeProposalTests : IDisposable
{
    readonly CascadeRun cascade = new();

    public void Dispose() => cascade.Dispose();

    static GateResult Gate(string gate, string template, int passed, params string[] failed) =>
        new(gate, template, "fallback: every grantable capability", [],
            [
                .. Enumerable.Range(0, passed).Select(i => new CheckResult { Id = $"ok-{i}", Description = "ok", Passed = true }),
                .. failed.Select(id => new CheckResult { Id = id, Description = id, Passed = false }),
            ], null, TimeSpan.Zero);

    [Fact]
    public void Published_templates_bring_old_and_new_digest_gates_and_shape_and_their_pin_file()
    {
        var oldPin = new Pin { Template = "codex", Image = "127.0.0.1:5000/molecule-fleet/codex", Digest = "sha256:" + new string('9', 64), RuntimeVersion = Pep440Version.Parse("1.0.0"), Revision = "0ld", PublishedAt = DateTimeOffset.UnixEpoch };
        cascade.Published("codex", smoke: Gate("smoke", "codex", 6), t4: Gate("t4", "codex", 10));
        cascade.Kept("hermes", "Smoke failed: cli-version", smoke: Gate("smoke", "hermes", 5, "cli-version"));

        var proposal = CascadeProposal.From(cascade.Release(new Dictionary<string, Pin?> { ["codex"] = oldPin, ["hermes"] = null }));

        Assert.Equal(("molecule-ai-workspace-runtime", "1.2.0", "c0ffee1"), (proposal.RuntimePackage, proposal.RuntimeVersion, proposal.SourceRevision));
        Assert.Equal(("cascade/runtime-1.2.0", "Bump workspace runtime to 1.2.0"), (proposal.Branch, proposal.Title));
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
        Assert.StartsWith("its job left no publish result", proposal.Templates.Single(t => t.Template == "claude-code").KeptReason);

        var file = Assert.Single(proposal.Files);
        Assert.Equal("templates/codex/pin.json", file.Path);
        Assert.Equal(File.ReadAllText(Path.Combine(cascade.Root, "templates", "codex", "pin.json")), file.Content);
        proposal.Validate();
    }

    [Fact]
    public void A_template_that_failed_to_build_says_so()
    {
        cascade.Results.Write(new BuildResult("codex", BuildStatus.Failed, null, [], null, null, null, TimeSpan.Zero, "npm install exited 1"));

        var proposal = CascadeProposal.From(cascade.Release());

        Assert.Equal("its job stopped after BuildImage: npm install exited 1", proposal.Templates.Single(t => t.Template == "codex").KeptReason);
        Assert.Empty(proposal.Files);
    }

    [Fact]
    public void A_release_that_is_not_a_runtime_bump_has_a_pull_request_of_its_own()
    {
        cascade.Published("codex");

        var proposal = CascadeProposal.From(cascade.Release(), releaseKey: "0123456789ab");

        Assert.Equal("pins/0123456789ab", proposal.Branch);
        Assert.Equal("Pin the images released from 0123456789ab (runtime 1.2.0)", proposal.Title);
        Assert.Equal("release 0123456789ab", proposal.Subject);
    }

    [Fact]
    public void The_watch_finds_the_templates_whose_pins_hold_an_older_runtime_or_none()
    {
        Pin At(string version) => new() { Template = "x", Image = "r/x", Digest = "sha256:" + new string('1', 64), RuntimeVersion = Pep440Version.Parse(version), Revision = "r", PublishedAt = DateTimeOffset.UnixEpoch };
        var pins = new Dictionary<string, Pin?> { ["a"] = At("1.2.0"), ["b"] = At("1.1.9"), ["c"] = null, ["d"] = At("1.10.0") };

        Assert.Equal(["b", "c"], RuntimeWatch.Behind(Pep440Version.Parse("1.2.0"), pins));
        Assert.Equal(["a", "b", "c"], RuntimeWatch.Behind(Pep440Version.Parse("1.3.0"), pins));
        Assert.Equal(["c"], RuntimeWatch.Behind(Pep440Version.Parse("1.1.0"), pins));
    }
}
