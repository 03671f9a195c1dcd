using Microsoft.Extensions.Time.Testing;
using TemplateFleet.Cascade;
using TemplateFleet.Forges;
using TemplateFleet.PackageIndex;
using TemplateFleet.PullRequests;
using UnitTests.Forges;

namespace UnitTests.Cascade;

/// <summary>The watch's trigger: a marker branch made before the dispatch, so overlapping ticks start one cascade.</summary>
public sealed class CascadeTriggerTests
{
    const string Version = "1.3.0";
    static readonly ProposalKey Key = ProposalKey.Runtime(Pep440Version.Parse(Version));
    static readonly CancellationToken None = CancellationToken.None;
    static readonly Dictionary<string, string> Inputs = new() { ["runtime_version"] = Version };

    public static TheoryData<string> Dispatching => ["gitea 1.24.3", "gitea 1.26.0", "github"];

    static async Task<CascadeTrigger> TriggerAsync(ForgeUnderTest f)
    {
        var proposer = await f.ProposerAsync();
        var forge = await f.OpenAsync();
        return new CascadeTrigger(forge, proposer);
    }

    [Theory]
    [MemberData(nameof(Dispatching))]
    public async Task Two_overlapping_ticks_start_one_cascade(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var first = await TriggerAsync(f);
        var second = await TriggerAsync(f);

        var results = await Task.WhenAll(first.TriggerAsync(Key, "cascade.yml", Inputs, None), second.TriggerAsync(Key, "cascade.yml", Inputs, None));

        Assert.Equal([TriggerOutcome.Dispatched, TriggerOutcome.AlreadyStarted], results.Select(r => r.Outcome).Order());
        var dispatch = Assert.Single(f.Fake.Dispatches);
        Assert.Equal(("cascade.yml", "main", Version), (dispatch.Workflow, dispatch.Ref, dispatch.Inputs["runtime_version"]!.GetValue<string>()));
        Assert.NotNull(f.Fake.BranchSha(Key.Branch));

        // a later tick while the cascade runs: nothing
        Assert.Equal(TriggerOutcome.AlreadyStarted, (await first.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);
        Assert.Single(f.Fake.Dispatches);
        f.AssertUnrelatedUntouched();
    }

    /// <summary>A trigger that retakes after 6 hours, its clock and the forge's one clock.</summary>
    static async Task<(CascadeTrigger Trigger, FakeTimeProvider Clock)> ClockedAsync(ForgeUnderTest f)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        f.Fake.Clock = clock;
        return (new CascadeTrigger(await f.OpenAsync(), await f.ProposerAsync(), TimeSpan.FromHours(6), clock), clock);
    }

    [Theory]
    [MemberData(nameof(Dispatching))]
    public async Task A_marker_whose_run_died_is_left_alone_before_the_stated_time_and_retaken_after_it(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var (trigger, clock) = await ClockedAsync(f);
        Assert.Equal(TriggerOutcome.Dispatched, (await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);
        var clockStarted = Assert.Single(f.Fake.Statuses);
        Assert.Equal((f.Fake.BranchSha(Key.Branch), "pending", "template-fleet/cascade/runtime-1.3.0", "cascade.yml dispatched on main"),
            (clockStarted.Sha, clockStarted.State, clockStarted.Context, clockStarted.Description));

        clock.Advance(TimeSpan.FromHours(5.9));
        Assert.Equal(TriggerOutcome.AlreadyStarted, (await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);
        Assert.Single(f.Fake.Dispatches);

        // the run died without a pull request; main moved meanwhile
        var moved = f.Fake.AdvanceBase();
        clock.Advance(TimeSpan.FromHours(0.2));
        var retaken = await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None);

        Assert.Equal(TriggerOutcome.Retaken, retaken.Outcome);
        Assert.Equal("retaken (no pull request and no run for 6.1h): cascade.yml dispatched on main", retaken.Reason);
        Assert.Equal(2, f.Fake.Dispatches.Count);
        Assert.Equal(moved, f.Fake.BranchSha(Key.Branch));
        Assert.Equal((moved, clock.GetUtcNow()), (f.Fake.Statuses[^1].Sha, f.Fake.Statuses[^1].CreatedAt));
        Assert.Equal(TriggerOutcome.AlreadyStarted, (await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(Dispatching))]
    public async Task A_marker_without_a_status_gets_its_clock_and_is_left_alone_that_tick(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var (trigger, clock) = await ClockedAsync(f);
        var bump = ProposalKey.Bump("codex", "0.172.0");
        Assert.True(await (await f.ProposerAsync()).MarkStartedAsync(bump, None)); // a marker made before this change, days ago
        clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(TriggerOutcome.AlreadyStarted, (await trigger.TriggerAsync(bump, "bump.yml", Inputs, None, onMarker: true)).Outcome);

        Assert.Empty(f.Fake.Dispatches);
        var clockStarted = Assert.Single(f.Fake.Statuses);
        Assert.Equal((f.Fake.BranchSha(bump.Branch), "template-fleet/bump/codex/0.172.0", clock.GetUtcNow()), (clockStarted.Sha, clockStarted.Context, clockStarted.CreatedAt));
        clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(TriggerOutcome.Retaken, (await trigger.TriggerAsync(bump, "bump.yml", Inputs, None, onMarker: true)).Outcome);
        Assert.Equal(("bump.yml", "bump/codex/0.172.0"), (f.Fake.Dispatches.Single().Workflow, f.Fake.Dispatches.Single().Ref));
    }

    [Theory]
    [MemberData(nameof(Dispatching))]
    public async Task A_marker_with_a_pull_request_is_never_retaken(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var (trigger, clock) = await ClockedAsync(f);
        await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None);
        await (await f.ProposerAsync()).ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(TriggerOutcome.AlreadyStarted, (await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);
        f.Fake.PersonCloses(2);
        Assert.Equal(TriggerOutcome.LeftAlone, (await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);

        Assert.Single(f.Fake.Dispatches);
        f.AssertUnrelatedUntouched();
    }

    [Theory]
    [MemberData(nameof(Dispatching))]
    public async Task A_version_whose_pull_request_a_person_closed_is_left_alone(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var proposer = await f.ProposerAsync();
        await proposer.ProposeAsync(ForgeUnderTest.Proposal(Version, ["hermes"]), None);
        f.Fake.PersonCloses(2);
        Assert.True(f.Fake.Git.DeleteRef("refs/heads/" + Key.Branch)); // and deletes the branch

        var result = await (await TriggerAsync(f)).TriggerAsync(Key, "cascade.yml", Inputs, None);

        Assert.Equal(TriggerOutcome.LeftAlone, result.Outcome);
        Assert.Empty(f.Fake.Dispatches);
        Assert.Null(f.Fake.BranchSha(Key.Branch));
        f.AssertUnrelatedUntouched();
    }

    [Fact]
    public async Task Gitea_before_1_24_cannot_dispatch_and_the_marker_is_taken_back()
    {
        using var f = new ForgeUnderTest("gitea 1.23.8");
        var trigger = await TriggerAsync(f);

        var e = await Assert.ThrowsAsync<ForgeException>(() => trigger.TriggerAsync(Key, "cascade.yml", Inputs, None));

        Assert.Contains("1.24", e.Message);
        Assert.Null(f.Fake.BranchSha(Key.Branch));
        Assert.Empty(f.Fake.Dispatches);
        f.AssertUnrelatedUntouched();
    }

    [Fact]
    public async Task A_missing_workflow_takes_the_marker_back_so_the_next_tick_retries()
    {
        using var f = new ForgeUnderTest("gitea 1.24.3");
        var trigger = await TriggerAsync(f);

        var e = await Assert.ThrowsAsync<ForgeException>(() => trigger.TriggerAsync(Key, "missing.yml", Inputs, None));

        Assert.Contains("missing.yml", e.Message);
        Assert.Null(f.Fake.BranchSha(Key.Branch));
        Assert.Equal(TriggerOutcome.Dispatched, (await trigger.TriggerAsync(Key, "cascade.yml", Inputs, None)).Outcome);
        f.AssertUnrelatedUntouched();
    }
}
