using TemplateFleet.Forges;
using TemplateFleet.PullRequests;

namespace UnitTests.PullRequests;

/// <summary>The pull request a reviewer reads: per template old → new digest, versions, both gates, the shape; kept ones with reasons.</summary>
public sealed class PinProposalTests
{
    const string Old = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const string New = "sha256:abcdefabcdef0123456789012345678901234567890123456789012345678901";

    static PinProposal Proposal(params TemplateProposal[] templates) =>
        new("molecule-ai-workspace-runtime", "1.2.0", templates, [], SourceRevision: "c0ffee1", RunUrl: "https://git.example/molecule/template-fleet/actions/runs/7");

    [Fact]
    public void A_published_template_shows_its_digests_versions_gates_and_shape()
    {
        var body = Proposal(new TemplateProposal("hermes", Old, New, "127.0.0.1:5000/molecule-fleet/hermes", "0.9.1",
            new GateTotals(7, 0), new GateTotals(10, 0), "fallback: all capabilities but SYS_RESOURCE")).RenderBody();

        Assert.StartsWith("Runtime `molecule-ai-workspace-runtime` **1.2.0**, built from `c0ffee1` ([run](https://git.example/molecule/template-fleet/actions/runs/7)).", body);
        Assert.Contains("| hermes | `sha256:111111111111…` → `sha256:abcdefabcdef…` | 0.9.1 | 7/7 | 10/10 | fallback: all capabilities but SYS_RESOURCE |", body);
        Assert.Contains($"- hermes: `127.0.0.1:5000/molecule-fleet/hermes@{New}`", body);
        Assert.DoesNotContain("Kept on their old pins", body);
    }

    [Fact]
    public void A_failed_template_keeps_its_old_pin_with_the_reason_in_one_line()
    {
        var body = Proposal(
            new TemplateProposal("hermes", Old, New, "r/hermes"),
            new TemplateProposal("codex", Old, null, Smoke: new GateTotals(4, 1), KeptReason: "Smoke failed: cli-version\nexpected | codex-cli 9.9.9")).RenderBody();

        Assert.Contains("| codex | kept `sha256:111111111111…` |  | 4/5 (1 failed) | — | — |", body);
        Assert.Contains("- codex: Smoke failed: cli-version expected \\| codex-cli 9.9.9\n", body);
        Assert.Contains("Kept on their old pins (retried by the next run for this version):", body);
    }

    [Fact]
    public void The_supply_chain_line_appears_only_where_it_was_given()
    {
        var body = Proposal(
            new TemplateProposal("hermes", Old, New, SbomChange: "python: molecule-ai-workspace-runtime 1.1.0 → 1.2.0"),
            new TemplateProposal("codex", null, New)).RenderBody();

        Assert.Contains("What changed in the SBOM:\n- hermes: python: molecule-ai-workspace-runtime 1.1.0 → 1.2.0\n", body);
        Assert.DoesNotContain("- codex: python", body);
        Assert.Contains("| codex | (none) → `sha256:abcdefabcdef…` |", body);
    }

    [Fact]
    public void The_branch_and_title_are_the_runtime_versions()
    {
        var proposal = Proposal() with { Files = [new PinFileChange("templates/hermes/pin.json", "{}"), new PinFileChange("templates/codex/pin.json", "{}")] };
        Assert.Equal("cascade/runtime-1.2.0", proposal.Branch);
        Assert.Equal("Bump workspace runtime to 1.2.0", proposal.Title);
        Assert.Equal("Bump workspace runtime to 1.2.0\n\nPins: templates/codex/pin.json, templates/hermes/pin.json\nBase: 0ba5e",
            proposal.CommitMessage(["templates/codex/pin.json", "templates/hermes/pin.json"], "0ba5e"));
        Assert.Contains("twice", Assert.Throws<ForgeException>(() => (proposal with { Files = [.. proposal.Files, proposal.Files[0]] }).Validate()).Message);
    }

    [Fact]
    public void Git_blob_ids_are_gits()
    {
        // git hash-object of "hello\n"
        Assert.Equal("ce013625030ba8dba906f756967f9e9ca394464a", GitBlob.Sha("hello\n"));
    }
}
