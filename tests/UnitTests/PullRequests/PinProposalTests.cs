using TemplateFleet.Forges;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;
using UnitTests.Forges;

namespace UnitTests.PullRequests;

/// <summary>The pull request a reviewer reads: per template old → new digest, versions, both gates, the shape; kept ones with reasons.</summary>
public sealed class PinProposalTests
{
    const string Old = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const string New = "sha256:abcdefabcdef0123456789012345678901234567890123456789012345678901";

    static ReleaseProposal Proposal(params ReleasedTemplate[] templates) => ForgeUnderTest.Proposal("1.2.0", templates);

    /// <summary>Published as <see cref="New"/> over a pin at <paramref name="old"/> (none: first pin).</summary>
    static ReleasedTemplate Published(string template, string? old = Old, string agent = "", GateResult? smoke = null, GateResult? t4 = null, string? sbomChange = null, string? pinFile = null)
    {
        var pin = ForgeUnderTest.PinOf("1.2.0", template, New);
        return new ReleasedTemplate(new PublishResult(template, PublishStatus.Published, "published", pin, pinFile ?? $"templates/{template}/pin.json", [], sbomChange),
            old is null ? null : pin with { Digest = old }, agent, smoke, t4);
    }

    static GateResult Gate(string gate, int passed, int failed = 0, string shape = "privileged") =>
        ForgeUnderTest.Gate(gate, "x", passed, [.. Enumerable.Range(0, failed).Select(i => $"bad-{i}")]) with { Shape = shape };

    [Fact]
    public void A_published_template_shows_its_digests_versions_gates_and_shape()
    {
        var body = Proposal(Published("hermes", agent: "0.9.1", smoke: Gate("smoke", 7), t4: Gate("t4", 10, shape: "fallback: all capabilities but SYS_RESOURCE"))).RenderBody();

        Assert.StartsWith("Runtime `molecule-ai-workspace-runtime` **1.2.0**, built from `c0ffee1`.", body);
        Assert.Contains("| hermes | `sha256:111111111111…` → `sha256:abcdefabcdef…` | 0.9.1 | 7/7 | 10/10 | fallback: all capabilities but SYS_RESOURCE |", body);
        Assert.Contains($"- hermes: `127.0.0.1:5000/molecule-fleet/hermes@{New}`", body);
        Assert.DoesNotContain("Kept on their old pins", body);
    }

    [Fact]
    public void A_failed_template_keeps_its_old_pin_with_the_reason_in_one_line()
    {
        var codex = new ReleasedTemplate(new PublishResult("codex", PublishStatus.NotPublished, "Smoke failed: cli-version\nexpected | codex-cli 9.9.9", null, "templates/codex/pin.json", []),
            ForgeUnderTest.PinOf("1.1.0", "codex", Old), "", Gate("smoke", 4, failed: 1), null);

        var body = Proposal(Published("hermes"), codex).RenderBody();

        Assert.Contains("| codex | kept `sha256:111111111111…` |  | 4/5 (1 failed) | — | — |", body);
        Assert.Contains("- codex: Smoke failed: cli-version expected \\| codex-cli 9.9.9\n", body);
        Assert.Contains("Kept on their old pins (retried by the next run for this version):", body);
    }

    [Fact]
    public void The_supply_chain_line_appears_only_where_it_was_given()
    {
        var body = Proposal(
            Published("hermes", sbomChange: "python: molecule-ai-workspace-runtime 1.1.0 → 1.2.0"),
            Published("codex", old: null)).RenderBody();

        Assert.Contains("What changed in the SBOM:\n- hermes: python: molecule-ai-workspace-runtime 1.1.0 → 1.2.0\n", body);
        Assert.DoesNotContain("- codex: python", body);
        Assert.Contains("| codex | (none) → `sha256:abcdefabcdef…` |", body);
    }

    [Fact]
    public void The_branch_and_title_are_the_runtime_versions()
    {
        var proposal = Proposal(Published("hermes"), Published("codex"));

        Assert.Equal("cascade/runtime-1.2.0", proposal.Key.Branch);
        Assert.Equal("runtime 1.2.0", proposal.Key.ToString());
        Assert.Equal("Bump workspace runtime to 1.2.0", proposal.Title);
        Assert.Equal("Bump workspace runtime to 1.2.0\n\nFiles: templates/codex/pin.json, templates/hermes/pin.json\nBase: 0ba5e",
            PinProposer.CommitMessage(proposal.Title, ["templates/codex/pin.json", "templates/hermes/pin.json"], "0ba5e"));
        Assert.Contains("twice", Assert.Throws<ForgeException>(() => PinProposer.Validate(Proposal(Published("hermes"), Published("codex", pinFile: "templates/hermes/pin.json")).Files)).Message);
    }

    [Fact]
    public void A_release_that_is_not_a_runtime_bump_has_a_pull_request_of_its_own()
    {
        var proposal = ForgeUnderTest.Proposal("1.2.0", [Published("codex")], release: "0123456789ab");

        Assert.Equal("pins/0123456789ab", proposal.Key.Branch);
        Assert.Equal("Pin the images released from 0123456789ab (runtime 1.2.0)", proposal.Title);
        Assert.Equal("release 0123456789ab", proposal.Key.ToString());
    }

    [Fact]
    public void The_key_of_another_input_is_its_own_version_string_never_parsed_as_PEP_440()
    {
        var npm = new ProposalKey(ProposalKind.Release, "release", "1.0.0-beta.3+build.7");

        Assert.Equal("pins/1.0.0-beta.3+build.7", npm.Branch);
        Assert.False(Pep440Version.TryParse(npm.Version, out _));
        Assert.Equal(ProposalKey.Runtime(Pep440Version.Parse("V1.2.0")), ProposalKey.Runtime(Pep440Version.Parse("1.2.0")));
    }

    [Fact]
    public void Git_blob_ids_are_gits()
    {
        // git hash-object of "hello\n"
        Assert.Equal("ce013625030ba8dba906f756967f9e9ca394464a", PinFileChange.BlobSha("hello\n"));
    }
}
