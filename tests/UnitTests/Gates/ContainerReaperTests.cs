using System.Diagnostics;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;

namespace UnitTests.Gates;

public sealed class ContainerReaperTests
{
    static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    static bool Leftover(string? run, bool? ownerAlive, TimeSpan age) =>
        ContainerReaper.IsLeftover(run, "owner", Now - age, "this-run", Now, Grace, _ => ownerAlive);

    [Fact]
    public void A_container_of_this_run_is_never_a_leftover() =>
        Assert.False(Leftover("this-run", ownerAlive: false, TimeSpan.FromHours(5)));

    [Fact]
    public void A_container_whose_owner_died_is_a_leftover_at_once() =>
        Assert.True(Leftover("crashed-run", ownerAlive: false, TimeSpan.FromSeconds(1)));

    [Fact]
    public void A_concurrent_builds_finished_container_is_left_alone_however_old()
    {
        // What CI met: a parallel build's reaper removed a post-build check container between "exited" and "logs read".
        Assert.False(Leftover("other-run", ownerAlive: true, TimeSpan.FromSeconds(1)));
        Assert.False(Leftover("other-run", ownerAlive: true, TimeSpan.FromHours(3)));
    }

    [Fact]
    public void When_the_owner_cannot_be_checked_only_age_decides()
    {
        Assert.False(Leftover("other-run", ownerAlive: null, TimeSpan.FromMinutes(9)));
        Assert.True(Leftover("other-run", ownerAlive: null, TimeSpan.FromMinutes(10)));
        Assert.True(Leftover(null, ownerAlive: null, TimeSpan.FromMinutes(11)));
    }

    [Fact]
    public void This_process_is_an_owner_that_is_alive() =>
        Assert.True(RunOwner.IsAlive(RunOwner.Current));

    [Fact]
    public void A_process_that_ended_is_an_owner_that_is_gone()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        var owner = RunOwner.Of(child);
        Assert.True(RunOwner.IsAlive(owner));

        child.Kill();
        child.WaitForExit();

        Assert.False(RunOwner.IsAlive(owner));
    }

    [Fact]
    public void A_reused_pid_is_not_the_owner()
    {
        var parts = RunOwner.Current.Split('/');
        var sameBootSamePidOtherStart = $"{parts[0]}/{parts[1]}/{long.Parse(parts[2]) - 3600}";
        Assert.False(RunOwner.IsAlive(sameBootSamePidOtherStart));
    }

    [Fact]
    public void A_process_has_one_owner_however_often_it_is_read()
    {
        // Process.StartTime differs by milliseconds between reading processes; the owner is read from /proc
        // so it cannot (a live build's containers would be taken for leftovers).
        using var child = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        try
        {
            var owner = RunOwner.Of(child);
            for (var i = 0; i < 50; i++)
                Assert.Equal(owner, RunOwner.Of(Process.GetProcessById(child.Id)));
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void An_owner_recorded_without_a_start_cannot_be_told() =>
        Assert.Null(RunOwner.IsAlive($"{RunOwner.Current.Split('/')[0]}/{Environment.ProcessId}/-1"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-an-owner")]
    [InlineData("another-machine-boot-id/1/1700000000")]
    public void An_owner_from_elsewhere_or_unreadable_cannot_be_told(string? owner) =>
        Assert.Null(RunOwner.IsAlive(owner));
}
