using System.Text.Json.Nodes;
using TemplateFleet.Forges;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using UnitTests.Forges;

namespace UnitTests.PullRequests;

/// <summary>One pull request per runtime version, on every forge fake: opened, updated, left alone.</summary>
public sealed class PinProposerTests
{
    const string Version = "1.2.0";
    static readonly string Branch = ProposalKey.Runtime(Pep440Version.Parse(Version)).Branch;
    static readonly ProposalKey Key = ProposalKey.Runtime(Pep440Version.Parse(Version));
    static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task The_first_run_opens_one_pull_request_whose_branch_changes_only_the_published_pins(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var proposal = ForgeUnderTest.Proposal(Version, ["hermes", "claude-code"], ("codex", "Smoke failed: cli-version"));

        var result = await proposer.ProposeAsync(proposal, None);

        Assert.Equal(ProposalOutcome.Opened, result.Outcome);
        Assert.Equal(2, result.Number);
        Assert.Equal(["templates/claude-code/pin.json", "templates/hermes/pin.json"], f.Fake.BranchDiff(Branch).Order());
        Assert.Equal(f.Fake.BaseSha, f.Fake.Git.ReadCommit(f.Fake.BranchSha(Branch)!).Parents.Single());
        Assert.Equal(ForgeUnderTest.PinContent(Version, "hermes"), f.Fake.Git.ReadFile(f.Fake.BranchSha(Branch)!, "templates/hermes/pin.json"));
        var pull = f.Fake.Pull(2);
        Assert.Equal($"Bump workspace runtime to {Version}", pull["title"]!.GetValue<string>());
        Assert.Equal(Branch, pull["head"]!["ref"]!.GetValue<string>());
        Assert.Contains("- codex: Smoke failed: cli-version", pull["body"]!.GetValue<string>());
        Assert.Equal(2, f.Fake.Pulls.Count);
        f.AssertUnrelatedUntouched();
        Assert.DoesNotContain(f.Fake.Requests, r => r.Path.Contains("/git/", StringComparison.Ordinal) && r.Method != "GET" && f.IsGitea);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_re_run_after_the_base_moved_updates_the_same_pull_request_on_the_new_base_with_this_runs_pins_only(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "codex"]), None);
        var newBase = f.Fake.AdvanceBase();

        // the re-run: codex failed this time, claude-code made it
        var result = await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "claude-code"], ("codex", "T4 failed: sudo")), None);

        Assert.Equal(ProposalOutcome.Updated, result.Outcome);
        Assert.Equal(2, result.Number);
        Assert.Equal(2, f.Fake.Pulls.Count);
        var pull = f.Fake.Pull(2);
        Assert.Equal("open", pull["state"]!.GetValue<string>());
        Assert.Contains("T4 failed: sudo", pull["body"]!.GetValue<string>());
        Assert.DoesNotContain(PinProposer.RebuildingMarker, pull["body"]!.GetValue<string>());
        var head = f.Fake.BranchSha(Branch)!;
        Assert.Equal(newBase, f.Fake.Git.ReadCommit(head).Parents.Single());
        Assert.Equal(["templates/claude-code/pin.json", "templates/hermes/pin.json"], f.Fake.BranchDiff(Branch).Order());
        Assert.Equal(head, pull["head"]!["sha"]!.GetValue<string>());
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_re_run_with_the_same_pins_on_the_same_base_writes_nothing(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var first = await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "codex"], ("claude-code", "Smoke failed")), None);
        var head = f.Fake.BranchSha(Branch);
        f.Fake.ClearRequests();

        var again = await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "codex"], ("claude-code", "Smoke failed")), None);

        Assert.Equal(ProposalOutcome.Unchanged, again.Outcome);
        Assert.Equal((first.Number, first.CommitSha), (again.Number, again.CommitSha));
        Assert.Empty(f.Fake.Writes);
        Assert.Equal(head, f.Fake.BranchSha(Branch));
        Assert.Equal("open", f.Fake.Pull(2)["state"]!.GetValue<string>());

        // the same pins, but the base moved: the branch is rebuilt on it
        f.Fake.AdvanceBase();
        Assert.Equal(ProposalOutcome.Updated, (await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "codex"], ("claude-code", "Smoke failed")), None)).Outcome);
        Assert.Equal(f.Fake.BaseSha, f.Fake.Git.ReadCommit(f.Fake.BranchSha(Branch)!).Parents.Single());
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.Gitea), MemberType = typeof(ForgeUnderTest))]
    public async Task Gitea_rebuilds_the_branch_with_force_push_from_1_26_and_by_delete_and_recreate_before(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);
        f.Fake.ClearRequests();

        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "codex"]), None);

        var writes = f.Fake.Writes.Select(r => $"{r.Method} {r.Path.Split("/template-fleet")[1]}").ToList();
        var contents = f.Fake.Writes.Single(r => r.Path.EndsWith("/contents", StringComparison.Ordinal)).Body!;
        Assert.Equal("main", contents["branch"]!.GetValue<string>());
        Assert.Equal(Branch, contents["new_branch"]!.GetValue<string>());
        if (forge == "gitea 1.26.0")
        {
            Assert.True(contents["force_push"]!.GetValue<bool>());
            Assert.Equal(["POST /contents", "PATCH /pulls/2"], writes);
        }
        else
        {
            Assert.Null(contents["force_push"]);
            // the marker first, so an interruption after the delete is known as the cascade's own close
            Assert.Equal(["PATCH /pulls/2", $"DELETE /branches/{Branch}", "POST /contents", "PATCH /pulls/2"], writes);
            Assert.Contains(PinProposer.RebuildingMarker, f.Fake.Requests.First(r => r.Method == "PATCH").Body!["body"]!.GetValue<string>());
        }
        Assert.Equal("open", f.Fake.Pull(2)["state"]!.GetValue<string>());
        Assert.Equal(["templates/codex/pin.json", "templates/hermes/pin.json"], f.Fake.BranchDiff(Branch).Order());
        f.AssertUnrelatedUntouched();
    }

    [Fact]
    public async Task An_old_gitea_run_interrupted_after_the_delete_is_finished_by_the_next_run_on_the_same_pull_request()
    {
        using var f = new ForgeUnderTest("gitea 1.24.3");
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);
        // what the first steps of a rebuild leave when the run dies right after them
        using var http = new ForgeHttp(f.Fake.ApiUrl, f.BotToken);
        var repo = $"repos/{GitBackedForge.Owner}/{GitBackedForge.Repo}";
        await http.SendAsync("PATCH", repo + "/pulls/2", new JsonObject { ["body"] = "old body\n" + PinProposer.RebuildingMarker });
        await http.SendAsync("DELETE", repo + "/branches/" + Branch);
        Assert.Equal("closed", f.Fake.Pull(2)["state"]!.GetValue<string>());

        var result = await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);

        Assert.Equal((ProposalOutcome.Updated, 2L), (result.Outcome, result.Number!.Value));
        Assert.Equal("open", f.Fake.Pull(2)["state"]!.GetValue<string>());
        Assert.Equal(["templates/hermes/pin.json"], f.Fake.BranchDiff(Branch));
        Assert.Equal(2, f.Fake.Pulls.Count);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_pull_request_a_person_closed_is_left_alone_and_nothing_is_written(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);
        f.Fake.PersonCloses(2);
        var head = f.Fake.BranchSha(Branch);
        f.Fake.ClearRequests();

        var e = await Assert.ThrowsAsync<ForgeException>(() => proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes", "codex"]), None));

        Assert.Contains("#2", e.Message);
        Assert.Contains("closed without merging", e.Message);
        Assert.Contains("Reopen it", e.Message);
        Assert.Empty(f.Fake.Writes);
        Assert.Equal("closed", f.Fake.Pull(2)["state"]!.GetValue<string>());
        Assert.Equal(head, f.Fake.BranchSha(Branch));
        await Assert.ThrowsAsync<ForgeException>(() => proposer.PreflightAsync(Key, None));
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_pin_a_person_changed_on_the_branch_stops_the_run_before_it_writes(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);
        var personal = f.Fake.PersonCommits(Branch, "templates/hermes/pin.json", "{\"schemaVersion\": 2, \"digest\": \"by hand\"}\n");
        f.Fake.ClearRequests();

        var e = await Assert.ThrowsAsync<ForgeException>(() => proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None));

        Assert.Contains("alice", e.Message);
        Assert.Contains(personal[..12], e.Message);
        Assert.Contains("does not overwrite", e.Message);
        Assert.Empty(f.Fake.Writes);
        Assert.Equal(personal, f.Fake.BranchSha(Branch));
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_merged_pull_request_ends_the_cascade_for_its_version(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);
        f.Fake.PersonMerges(2);
        f.Fake.ClearRequests();

        var e = await Assert.ThrowsAsync<ForgeException>(() => proposer.PreflightAsync(Key, None));

        Assert.Contains("was merged", e.Message);
        Assert.Empty(f.Fake.Writes);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task The_marker_branch_made_first_is_made_once_and_the_proposal_then_opens_the_pull_request_on_the_moved_base(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        Assert.True(await proposer.MarkStartedAsync(Key, None));
        Assert.False(await proposer.MarkStartedAsync(Key, None));
        Assert.Equal(CascadeState.Started, (await proposer.StatusAsync(Key, None)).State);
        Assert.Empty(f.Fake.BranchDiff(Branch));
        var moved = f.Fake.AdvanceBase(); // merges land while the cascade builds

        var result = await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);

        Assert.Equal(ProposalOutcome.Opened, result.Outcome);
        Assert.Equal(moved, f.Fake.Git.ReadCommit(f.Fake.BranchSha(Branch)!).Parents.Single());
        Assert.Equal(["templates/hermes/pin.json"], f.Fake.BranchDiff(Branch));
        Assert.Equal(CascadeState.Proposed, (await proposer.StatusAsync(Key, None)).State);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task Pins_equal_to_the_base_propose_nothing(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        var onBase = PinFile.Parse(f.Fake.Git.ReadFile(f.Fake.BaseSha, "templates/hermes/pin.json")!, "base");
        var proposal = ForgeUnderTest.Proposal(Version, [ForgeUnderTest.Published(onBase)]);

        var result = await proposer.ProposeAsync(proposal, None);

        Assert.Equal(ProposalOutcome.NothingToPropose, result.Outcome);
        Assert.Empty(f.Fake.Writes);
        Assert.Single(f.Fake.Pulls);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task Two_runs_at_once_end_with_one_pull_request(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var first = await f.ProposerAsync();
        var second = await f.ProposerAsync();
        var proposal = ForgeUnderTest.Proposal(Version, ["hermes"]);

        var results = await Task.WhenAll(Attempt(first), Attempt(second));

        Assert.Equal(2, f.Fake.Pulls.Count);
        Assert.Equal(["templates/hermes/pin.json"], f.Fake.BranchDiff(Branch));
        Assert.Contains(results, r => r?.Outcome == ProposalOutcome.Opened);
        f.AssertUnrelatedUntouched();

        // The second may also lose the race for the branch itself; it fails with a line that says to run again.
        async Task<ProposalResult?> Attempt(PinProposer proposer)
        {
            try
            {
                return await proposer.ProposeAsync(proposal, None);
            }
            catch (ForgeException e)
            {
                Assert.Contains("run it again", e.Message);
                return null;
            }
        }
    }

    [Fact]
    public async Task Bad_paths_are_refused_before_any_request()
    {
        using var f = new ForgeUnderTest("gitea 1.24.3");
        var proposer = await f.ProposerAsync();
        f.Fake.ClearRequests();
        foreach (var path in new[] { "/etc/passwd", "templates/../../x", "templates\\hermes\\pin.json", "" })
        {
            var proposal = ForgeUnderTest.Proposal(Version, [ForgeUnderTest.Published(ForgeUnderTest.PinOf(Version, "hermes"), path)]);
            Assert.Contains("relative to the repository root", (await Assert.ThrowsAsync<ForgeException>(() => proposer.ProposeAsync(proposal, None))).Message);
        }
        Assert.Empty(f.Fake.Requests);
        f.AssertUnrelatedUntouched();
    }
}
