using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Bootstrap;

/// <summary>
/// build.sh and build.ps1 share .nuke/temp/bin: the same stamp, the same compile lock, the same compile. In a fresh
/// copy of the repository (two real compiles, about a minute each, in one fact: a third would prove nothing new), so the checkout's own build is untouched.
/// StaleBuildTests has each kind of change without compiling, in the copy this fact leaves compiled (<see cref="BootstrapCopies"/>).
/// </summary>
[Collection(BootstrapCollection.Name)]
public sealed class SharedBootstrapTests(BootstrapCopies copies)
{
    private readonly BootstrapCopy _copy = copies.Fresh();

    private string Temp(params string[] parts) => _copy.Temp(parts);

    private (string Inode, DateTime Written) Compiled() => _copy.Compiled();

    private Task<(int Exit, string Output)> ShAsync(string log) => _copy.RunAsync("sh", log, "--help");

    private Task<(int Exit, string Output)> Ps1Async(string log) => _copy.RunAsync("ps1", log, "--help");

    /// <summary>
    /// One fact, two real compiles: build.ps1 waits for the lock build.sh's flock holds, then compiles, and build.sh
    /// runs what it compiled; a change (one that keeps the file's size and modification time) is compiled by
    /// build.sh, and build.ps1 runs that.
    /// </summary>
    [Fact]
    public async Task Build_ps1_waits_for_the_lock_build_sh_takes_and_each_bootstrap_runs_what_the_other_compiled()
    {
        Directory.CreateDirectory(Temp());
        // build.sh takes its compile lock with flock(1) on .nuke/temp/compile.lock: hold it the same way.
        using (var holder = Process.Start("flock", [Temp("compile.lock"), "sleep", "6"]))
        {
            await Task.Delay(500);
            var waiting = Ps1Async("bootstrap.ps1-waits.log");
            await Task.Delay(4000);

            // Stale (nothing compiled in the copy yet), so it wants to compile: it waits instead.
            Assert.False(waiting.IsCompleted);
            Assert.False(File.Exists(Temp("build-compile.log")));
            Assert.False(Directory.Exists(Temp("bin.next")));
            await holder.WaitForExitAsync();
            var compiled = await waiting;
            Assert.True(compiled.Exit == 0, BuildScript.Tail(compiled.Output));
            Assert.Contains(BootstrapCopy.ProbeDescription('1'), compiled.Output);
        }
        var byPs1 = Compiled();
        var stamp = File.ReadAllText(Temp("build.stamp"));

        var sh = await ShAsync("bootstrap.sh-reuses.log");

        Assert.True(sh.Exit == 0, BuildScript.Tail(sh.Output));
        Assert.Equal(byPs1, Compiled());
        Assert.Equal(stamp, File.ReadAllText(Temp("build.stamp")));

        _copy.ChangeProbeKeepingSizeAndTime('2');
        sh = await ShAsync("bootstrap.sh-compiles.log");
        Assert.True(sh.Exit == 0, BuildScript.Tail(sh.Output));
        var bySh = Compiled();
        Assert.NotEqual(byPs1.Inode, bySh.Inode);
        Assert.NotEqual(stamp, File.ReadAllText(Temp("build.stamp")));

        var ps1 = await Ps1Async("bootstrap.ps1-reuses.log");

        Assert.True(ps1.Exit == 0, BuildScript.Tail(ps1.Output));
        Assert.Equal(bySh, Compiled());
        Assert.Contains(BootstrapCopy.ProbeDescription('2'), ps1.Output);
        Assert.Equal(sh.Output, ps1.Output);
        copies.HandOn(_copy, ps1); // compiled, and run by both bootstraps: StaleBuildTests' copy
    }
}
