using TemplateFleet.Cascade;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;

namespace UnitTests.PullRequests;

/// <summary>One run's results as the pull request proposes them (no copy in between), and the watch's "newer than the pins".</summary>
public sealed class ReleaseOfOneRunTests : IDisposable
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

        var proposal = cascade.Release(new Dictionary<string, Pin?> { ["codex"] = oldPin, ["hermes"] = null });

        Assert.Equal(("molecule-ai-workspace-runtime", Pep440Version.Parse("1.2.0"), "c0ffee1"), (proposal.RuntimePackage, proposal.RuntimeVersion, proposal.Revision));
        Assert.Equal(("cascade/runtime-1.2.0", "Bump workspace runtime to 1.2.0"), (proposal.Key.Branch, proposal.Title));
        var codex = proposal.Templates.Single(t => t.Template == "codex");
        Assert.Equal(oldPin.Digest, codex.OldPin!.Digest);
        Assert.Equal(CascadeRun.Digest, codex.Publish.Pin!.Digest);
        Assert.Equal("127.0.0.1:5000/molecule-fleet/codex", codex.Publish.Pin.Image);
        Assert.Equal("1", codex.AgentVersion);
        Assert.Equal("6/6", codex.Smoke!.Totals.ToString());
        Assert.Equal("10/10", codex.T4!.Totals.ToString());
        Assert.Equal("fallback: every grantable capability", codex.T4.Shape);
        Assert.True(codex.Published);
        var hermes = proposal.Templates.Single(t => t.Template == "hermes");
        Assert.False(hermes.Published);
        Assert.Equal("Smoke failed: cli-version", hermes.KeptReason);
        Assert.Equal("5/6 (1 failed)", hermes.Smoke!.Totals.ToString());
        Assert.Contains("| codex | `sha256:999999999999…` → `sha256:abababababab…` | 1 | 6/6 | 10/10 | fallback: every grantable capability |", proposal.RenderBody());
        Assert.StartsWith("its job left no publish result", proposal.Templates.Single(t => t.Template == "claude-code").KeptReason);

        var file = Assert.Single(proposal.Files);
        Assert.Equal("templates/codex/pin.json", file.Path);
        Assert.Equal(File.ReadAllText(Path.Combine(cascade.Root, "templates", "codex", "pin.json")), file.Content);
        PinProposer.Validate(proposal.Files);
    }

    [Fact]
    public void A_template_that_failed_to_build_says_so()
    {
        cascade.Results.Write(new BuildResult("codex", BuildStatus.Failed, null, [], null, null, null, TimeSpan.Zero, "npm install exited 1"));

        var proposal = cascade.Release();

        Assert.Equal("its job stopped after BuildImage: npm install exited 1", proposal.Templates.Single(t => t.Template == "codex").KeptReason);
        Assert.Empty(proposal.Files);
    }

    [Fact]
    public void A_release_that_is_not_a_runtime_bump_has_a_pull_request_of_its_own()
    {
        cascade.Published("codex");

        var proposal = cascade.Release(kind: ProposalKind.Release);

        // The run's revision has 7 digits here: the key is all of it.
        Assert.Equal("pins/c0ffee1", proposal.Key.Branch);
        Assert.Equal("Pin the images released from c0ffee1 (runtime 1.2.0)", proposal.Title);
        Assert.Equal("release c0ffee1", proposal.Key.ToString());
    }

    [Fact]
    public void The_watch_finds_the_templates_whose_pins_hold_an_older_runtime_or_none()
    {
        Pin At(string version) => new() { Template = "x", Image = "r/x", Digest = "sha256:" + new string('1', 64), RuntimeVersion = Pep440Version.Parse(version), Revision = "r", PublishedAt = DateTimeOffset.UnixEpoch };
        var pins = new Dictionary<string, Pin?> { ["a"] = At("1.2.0"), ["b"] = At("1.1.9"), ["c"] = null, ["d"] = At("1.10.0") };

        Assert.Equal(["b", "c"], CascadeTrigger.Behind(Pep440Version.Parse("1.2.0"), pins));
        Assert.Equal(["a", "b", "c"], CascadeTrigger.Behind(Pep440Version.Parse("1.3.0"), pins));
        Assert.Equal(["c"], CascadeTrigger.Behind(Pep440Version.Parse("1.1.0"), pins));
    }
}
