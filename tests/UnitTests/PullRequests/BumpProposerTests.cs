using TemplateFleet.Cascade;
using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.KeepCurrent;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using UnitTests.Forges;

namespace UnitTests.PullRequests;

/// <summary>A bump's one pull request per input version, on every forge fake; and the watch that starts each bump once.</summary>
public sealed class BumpProposerTests
{
    static readonly CancellationToken None = CancellationToken.None;
    static readonly string[] DataFiles = ["templates/codex/agent/package-lock.json", "templates/codex/agent/package.json", "templates/codex/template.yaml"];
    const string Index = "https://index.example/simple/";

    /// <summary>codex 0.171.0 → <paramref name="version"/>; passed: codex published; failed: codex's Smoke failed cli-version.</summary>
    static BumpProposal Bump(string version, bool passed)
    {
        var data = DataFiles.Select(f => new PinFileChange(f, $"{f} at {version}\n")).ToList();
        var release = passed ? ForgeUnderTest.Proposal("1.0.0", ["codex"]) : ForgeUnderTest.Proposal("1.0.0", [], ("codex", "T4 and Smoke must pass before Publish"));
        return new BumpProposal(ProposalKey.Bump("codex", version), $"codex 0.171.0 → {version}", "npm @openai/codex", "2026-12-01 08:00 UTC, 6 days ago", release, data,
            passed ? [] : ["codex smoke cli-version: expected 'codex-cli 0.172.0' in the output, got 'error: Node 22 required'"])
        {
            PinsBefore = new Dictionary<string, string?> { [CodexPin] = PinFile.Serialize(ForgeUnderTest.OldPin("codex")) }, // what the fakes' base holds
        };
    }

    const string CodexPin = "templates/codex/pin.json";

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_bump_that_passed_opens_one_pull_request_with_the_data_the_lock_and_the_pin(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();

        var result = await proposer.ProposeAsync(Bump("0.172.0", passed: true), None);

        Assert.Equal((ProposalOutcome.Opened, "bump/codex/0.172.0"), (result.Outcome, result.Branch));
        Assert.Equal([.. DataFiles.Append("templates/codex/pin.json").Order(StringComparer.Ordinal)], f.Fake.BranchDiff(result.Branch).Order(StringComparer.Ordinal));
        Assert.Equal(ForgeUnderTest.PinContent("1.0.0", "codex"), f.Fake.Git.ReadFile(f.Fake.BranchSha(result.Branch)!, "templates/codex/pin.json"));
        var pull = f.Fake.Pull(result.Number!.Value);
        Assert.Equal("Bump codex 0.171.0 → 0.172.0", pull["title"]!.GetValue<string>());
        Assert.Contains("published 2026-12-01 08:00 UTC, 6 days ago", pull["body"]!.GetValue<string>());
        Assert.Contains("| codex | `sha256:222222222222…` → ", pull["body"]!.GetValue<string>());
        if (!f.IsGitea)
            Assert.False(pull["draft"]!.GetValue<bool>());
        Assert.Equal(2, f.Fake.Pulls.Count);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_failed_bump_opens_a_work_in_progress_pull_request_with_the_data_and_no_pin_naming_what_failed(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();

        var result = await proposer.ProposeAsync(Bump("0.172.0", passed: false), None);

        Assert.Equal(ProposalOutcome.Opened, result.Outcome);
        Assert.Equal(DataFiles, f.Fake.BranchDiff(result.Branch).Order(StringComparer.Ordinal));
        var pull = f.Fake.Pull(result.Number!.Value);
        Assert.Equal("WIP: Bump codex 0.171.0 → 0.172.0", pull["title"]!.GetValue<string>());
        Assert.Contains("carries no pin", pull["body"]!.GetValue<string>());
        Assert.Contains("- codex smoke cli-version: expected 'codex-cli 0.172.0' in the output, got 'error: Node 22 required'", pull["body"]!.GetValue<string>());
        if (!f.IsGitea)
            Assert.True(pull["draft"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task Re_running_a_bump_updates_its_one_pull_request_and_a_pass_after_a_failure_adds_the_pin(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var first = await proposer.ProposeAsync(Bump("0.172.0", passed: false), None);

        var again = await proposer.ProposeAsync(Bump("0.172.0", passed: false), None);
        var passed = await proposer.ProposeAsync(Bump("0.172.0", passed: true), None);

        Assert.Equal((ProposalOutcome.Unchanged, first.Number, first.CommitSha), (again.Outcome, again.Number, again.CommitSha));
        Assert.Equal((ProposalOutcome.Updated, first.Number), (passed.Outcome, passed.Number));
        Assert.Equal(2, f.Fake.Pulls.Count);
        var pull = f.Fake.Pull(first.Number!.Value);
        Assert.Equal(("open", "Bump codex 0.171.0 → 0.172.0"), (pull["state"]!.GetValue<string>(), pull["title"]!.GetValue<string>()));
        Assert.Contains("templates/codex/pin.json", f.Fake.BranchDiff(first.Branch));
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_newer_version_closes_the_older_ones_pull_request_with_a_comment_pointing_to_it(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var older = await proposer.ProposeAsync(Bump("0.172.0", passed: false), None);
        var person = f.Fake.PersonCommits("bump/node/24.23.0", "templates/fleet.yaml", "node 24.23.0\n"); // another input's branch, left alone

        var newer = await proposer.ProposeAsync(Bump("0.173.0", passed: true), None);

        Assert.Equal(ProposalOutcome.Opened, newer.Outcome);
        Assert.NotEqual(older.Number, newer.Number);
        Assert.Equal("closed", f.Fake.Pull(older.Number!.Value)["state"]!.GetValue<string>());
        Assert.Equal("open", f.Fake.Pull(newer.Number!.Value)["state"]!.GetValue<string>());
        var comment = Assert.Single(f.Fake.Comments);
        Assert.Equal(older.Number, comment.Number);
        Assert.Contains($"Superseded by #{newer.Number} ({newer.Url})", comment.Body);
        Assert.Equal(person, f.Fake.BranchSha("bump/node/24.23.0"));
        f.AssertUnrelatedUntouched();

        // a re-run of the newer one finds nothing more to close
        await proposer.ProposeAsync(Bump("0.173.0", passed: true), None);
        Assert.Single(f.Fake.Comments);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_bump_whose_pin_changed_on_the_base_while_it_ran_writes_nothing_over_the_newer_pin(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        f.Fake.AdvanceBase(CodexPin, ForgeUnderTest.PinContent("1.1.0", "codex")); // the cascade for 1.1.0 merged first

        var refused = await Assert.ThrowsAsync<ForgeException>(() => proposer.ProposeAsync(Bump("0.172.0", passed: true), None));

        Assert.StartsWith($"{CodexPin} changed on main since this run started", refused.Message);
        Assert.Contains("Run it again on main: it rebuilds on the new pins.", refused.Message);
        Assert.Null(f.Fake.BranchSha("bump/codex/0.172.0"));
        Assert.Single(f.Fake.Pulls);
        // a failed bump carries no pin, so it still tells a person
        Assert.Equal(ProposalOutcome.Opened, (await proposer.ProposeAsync(Bump("0.172.0", passed: false), None)).Outcome);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.Gitea), MemberType = typeof(ForgeUnderTest))]
    public async Task A_person_retries_a_failed_bump_by_deleting_its_branch(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var failed = await proposer.ProposeAsync(Bump("0.172.0", passed: false), None);
        f.Fake.PersonCloses(failed.Number!.Value);
        Assert.True(f.Fake.Git.DeleteRef("refs/heads/" + failed.Branch));

        Assert.Equal(CascadeState.NotStarted, (await proposer.StatusAsync(ProposalKey.Bump("codex", "0.172.0"), None)).State);
        var retried = await proposer.ProposeAsync(Bump("0.172.0", passed: true), None);

        Assert.Equal(ProposalOutcome.Opened, retried.Outcome);
        Assert.NotEqual(failed.Number, retried.Number);
    }

    [Fact]
    public void A_bump_branch_holds_any_version_a_source_spells_and_no_input_shares_another_ones_prefix()
    {
        Assert.Equal("bump/docker-cli/1_26.1.5+dfsg1-9_deb13u1", ProposalKey.Bump("docker-cli", "1:26.1.5+dfsg1-9~deb13u1").Branch);
        Assert.Equal("bump/debian-security/2026-12-05", ProposalKey.Bump("debian-security", "2026-12-05").Branch);
        Assert.False(ProposalKey.Bump("npm-tools", "1.0.0").Branch.StartsWith(ProposalKey.BumpBranches("npm"), StringComparison.Ordinal));
    }

    public static TheoryData<string> Dispatching => ["gitea 1.24.3", "gitea 1.26.0", "github"];

    static OutdatedRow Row(string input, string? allowed, bool watched = true) =>
        new(new UpstreamInput(input, InputSource.Npm, input, "0.171.0", InputPolicy.Default with { Watch = watched }, input == "node" ? InputReach.Fleet : InputReach.Template,
                new DataLocation("templates/fleet.yaml", ["x"])),
            PinnedVersion.None, new PolicyVerdict("0.171.0", allowed is null ? null : new UpstreamRelease(allowed, DateTimeOffset.UnixEpoch), null, []), null, null);

    [Theory]
    [MemberData(nameof(Dispatching))]
    public async Task The_watch_starts_one_bump_per_allowed_version_on_its_own_branch_and_not_a_second_while_one_is_open(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var trigger = new CascadeTrigger(await f.OpenAsync(), proposer);
        OutdatedRow[] rows = [Row("codex", "0.172.0"), Row("node", "24.23.0"), Row("claude-code", null), Row("openclaw", "2026.10.1", watched: false)];

        var first = await trigger.WatchBumpsAsync(rows, Index, None);

        Assert.Equal([TriggerOutcome.Dispatched, TriggerOutcome.Dispatched], first.Select(r => r.Outcome));
        Assert.Equal([("bump.yml", "bump/codex/0.172.0", "codex", "0.172.0", Index), ("bump.yml", "bump/node/24.23.0", "node", "24.23.0", Index)],
            f.Fake.Dispatches.Select(d => (d.Workflow, d.Ref, d.Inputs["input"]!.GetValue<string>(), d.Inputs["input_version"]!.GetValue<string>(), d.Inputs["package_index"]!.GetValue<string>())));

        // the next tick while both run, and after codex's bump failed into a work-in-progress pull request: nothing again
        Assert.All(await trigger.WatchBumpsAsync(rows, Index, None), r => Assert.Equal(TriggerOutcome.AlreadyStarted, r.Outcome));
        await proposer.ProposeAsync(Bump("0.172.0", passed: false), None);
        Assert.All(await trigger.WatchBumpsAsync(rows, Index, None), r => Assert.Equal(TriggerOutcome.AlreadyStarted, r.Outcome));
        Assert.Equal(2, f.Fake.Dispatches.Count);

        // a newer codex starts its own bump
        var newer = await trigger.WatchBumpsAsync([Row("codex", "0.173.0")], Index, None);
        Assert.Equal(TriggerOutcome.Dispatched, Assert.Single(newer).Outcome);
        Assert.Equal("bump/codex/0.173.0", f.Fake.Dispatches[^1].Ref);
    }
}
