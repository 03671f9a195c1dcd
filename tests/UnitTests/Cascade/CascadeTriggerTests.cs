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
