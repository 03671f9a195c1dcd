using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;
using UnitTests.Cascade;

namespace UnitTests.PullRequests;

/// <summary>What the pins job makes of the results its jobs left in output/jobs.</summary>
public sealed class ReleaseProposalTests : IDisposable
{
    const string BaseDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    readonly CascadeRun fleet = new();
    string Jobs => fleet.Context.Paths.Jobs;

    public void Dispose() => fleet.Dispose();

    ResultStore Job(string artifact, string runtime = "1.2.0")
    {
        var store = ResultStore.StartRun(Path.Combine(Jobs, artifact));
        store.Write(new RunRecord("run", "molecule-ai-workspace-runtime", Pep440Version.Parse(runtime), "parameter", false, "c0ffee1c0ffee1", "c0ffee1", ["hermes"], "127.0.0.1:5000", artifact, DateTimeOffset.UnixEpoch));
        return store;
    }

    static Pin PinOf(string template, string digest, string? @base = BaseDigest) => new()
    {
        Template = template,
        Image = $"127.0.0.1:5000/molecule-fleet/{template}",
        Digest = digest,
        Inputs = digest,
        Base = @base is null ? null : new PinnedImage("127.0.0.1:5000/molecule-fleet/base", @base),
        RuntimeVersion = Pep440Version.Parse("1.2.0"),
        Revision = "c0ffee1",
        PublishedAt = DateTimeOffset.UnixEpoch,
    };

    static string Digest(char c) => "sha256:" + new string(c, 64);

    ReleaseProposal Collect() =>
        ReleaseProposal.From(ProposalKind.Release, fleet.Run.Config, fleet.Run.Templates, ResultStore.Collect(Jobs), new Dictionary<string, Pin?>());

    [Fact]
    public void The_base_and_every_published_template_come_in_one_proposal_and_a_job_that_left_nothing_is_named()
    {
        Job("base-results").WriteBasePublish(new PublishResult("base", PublishStatus.Published, "published", PinOf("base", BaseDigest, null), "templates/base/pin.json", []));
        Job("templates-results-hermes").Write(new PublishResult("hermes", PublishStatus.Published, "published", PinOf("hermes", Digest('a')), "templates/hermes/pin.json", []));
        var codex = Job("templates-results-codex");
        codex.Write(new PublishResult("codex", PublishStatus.NotPublished, "T4 conformance failed: sudo_nopasswd", null, "templates/codex/pin.json", []));
        Directory.CreateDirectory(Path.Combine(Jobs, "templates-logs-hermes")); // not results: passed over

        var release = Collect();

        Assert.Equal(["templates/base/pin.json", "templates/hermes/pin.json"], release.Files.Select(f => f.Path));
        Assert.Equal(PinOf("hermes", Digest('a')), PinFile.Parse(release.Files[1].Content, "pin"));
        Assert.True(release.PublishedAnything);
        Assert.Equal("T4 conformance failed: sudo_nopasswd", release.Templates.Single(t => t.Template == "codex").KeptReason);
        // claude-code's job was killed before Publish: it keeps its pin and the pull request says why.
        var killed = release.Templates.Single(t => t.Template == "claude-code");
        Assert.Equal(PublishStatus.NotPublished, killed.Publish.Status);
        Assert.Null(killed.Publish.Pin);
        Assert.StartsWith("its job left no publish result", killed.KeptReason);
        Assert.Empty(release.Warnings);
        // Not a cascade: the pull request is the release's own, keyed by its revision as the jobs recorded it.
        Assert.Equal("pins/c0ffee1c0ffe", release.Key.Branch);
    }

    [Fact]
    public void What_the_SBOMs_say_changed_reaches_the_pull_request_body_for_published_templates_only()
    {
        const string change = "runtime `molecule-ai-workspace-runtime` 1.1.0 → 1.2.0 · agent CLI `hermes-agent` 0.9.1 (unchanged) · Debian packages: 3 changed (0 added, 0 removed, 3 new versions)";
        Job("base-results").WriteBasePublish(new PublishResult("base", PublishStatus.Published, "published", PinOf("base", BaseDigest, null), "templates/base/pin.json", []));
        Job("templates-results-hermes").Write(new PublishResult("hermes", PublishStatus.Published, "published", PinOf("hermes", Digest('a')), "templates/hermes/pin.json", [], change));
        Job("templates-results-codex").Write(new PublishResult("codex", PublishStatus.Failed, "push refused", null, "templates/codex/pin.json", [], "a line from a run that failed"));

        var release = Collect();
        Assert.Equal(change, release.Templates.Single(t => t.Template == "hermes").SbomChange);
        Assert.Null(release.Templates.Single(t => t.Template == "codex").SbomChange);
        var body = release.RenderBody();
        Assert.Contains("\nWhat changed in the SBOM:\n- hermes: runtime `molecule-ai-workspace-runtime` 1.1.0 → 1.2.0 · agent CLI `hermes-agent` 0.9.1 (unchanged) · Debian packages: 3 changed", body);
        Assert.DoesNotContain("a line from a run that failed", body);
    }

    [Fact]
    public void Nothing_published_proposes_nothing()
    {
        Job("base-results").WriteBasePublish(new PublishResult("base", PublishStatus.Unchanged, "already published", PinOf("base", BaseDigest, null), "templates/base/pin.json", []));
        Job("templates-results-hermes").Write(new PublishResult("hermes", PublishStatus.Unchanged, "unchanged since its pin", PinOf("hermes", Digest('a')), "templates/hermes/pin.json", []));

        Assert.False(Collect().PublishedAnything);
    }

    [Fact]
    public void A_template_built_FROM_another_base_than_the_release_s_is_a_warning()
    {
        Job("base-results").WriteBasePublish(new PublishResult("base", PublishStatus.Published, "published", PinOf("base", BaseDigest, null), "templates/base/pin.json", []));
        Job("templates-results-hermes").Write(new PublishResult("hermes", PublishStatus.Published, "published", PinOf("hermes", Digest('a'), Digest('9')), "templates/hermes/pin.json", []));

        var warning = Assert.Single(Collect().Warnings);
        Assert.Contains($"hermes was built FROM 127.0.0.1:5000/molecule-fleet/base@{Digest('9')}", warning);
    }

    [Fact]
    public void Jobs_of_two_runtime_versions_or_two_bases_are_refused()
    {
        Job("base-results", runtime: "1.2.0");
        Job("templates-results-hermes", runtime: "1.3.0");
        Assert.Contains("2 runtime versions (1.2.0, 1.3.0)", Assert.Throws<FleetException>(Collect).Message);

        Directory.Delete(Jobs, recursive: true);
        Job("a").WriteBasePublish(new PublishResult("base", PublishStatus.Published, "published", PinOf("base", Digest('1'), null), "templates/base/pin.json", []));
        Job("b").WriteBasePublish(new PublishResult("base", PublishStatus.Published, "published", PinOf("base", Digest('2'), null), "templates/base/pin.json", []));
        Assert.Contains("two jobs published the base", Assert.Throws<FleetException>(Collect).Message);
    }

    [Fact]
    public void No_downloads_are_no_results()
    {
        Assert.Empty(ResultStore.Collect(Jobs));
        Assert.Contains("no job left a run record", Assert.Throws<FleetException>(Collect).Message);
    }
}
