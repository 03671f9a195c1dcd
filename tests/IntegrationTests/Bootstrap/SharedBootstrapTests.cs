using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Bootstrap;

/// <summary>
/// build.sh and build.ps1 share .nuke/temp/bin: the same stamp, the same compile lock, the same compile. In a
/// copy of the repository (two real compiles, about a minute each), so the checkout's own build is untouched.
/// StaleBuildTests has each kind of change without compiling.
/// </summary>
public sealed class SharedBootstrapTests : IDisposable
{
    private readonly BootstrapCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    private string Temp(params string[] parts) => _copy.Temp(parts);

    private (string Inode, DateTime Written) Compiled() => _copy.Compiled();

    private Task<(int Exit, string Output)> ShAsync(string log) => _copy.RunAsync("sh", log, "--help");

    private Task<(int Exit, string Output)> Ps1Async(string log) => _copy.RunAsync("ps1", log, "--help");

    [Fact]
    public async Task What_one_bootstrap_compiled_the_other_runs_without_compiling_again()
    {
        var sh = await ShAsync("bootstrap.sh-compiles.log");
        Assert.True(sh.Exit == 0, BuildScript.Tail(sh.Output));
        Assert.Contains(BootstrapCopy.ProbeDescription('1'), sh.Output);
        var bySh = Compiled();
        var stamp = File.ReadAllText(Temp("build.stamp"));

        var ps1 = await Ps1Async("bootstrap.ps1-reuses.log");

        Assert.True(ps1.Exit == 0, BuildScript.Tail(ps1.Output));
        Assert.Equal(bySh, Compiled());
        Assert.Equal(stamp, File.ReadAllText(Temp("build.stamp")));

        // And the other way round: build.ps1 compiles a change (one that keeps the file's size and modification
        // time), build.sh runs what it compiled.
        _copy.ChangeProbeKeepingSizeAndTime('2');
        ps1 = await Ps1Async("bootstrap.ps1-compiles.log");
        Assert.True(ps1.Exit == 0, BuildScript.Tail(ps1.Output));
        var byPs1 = Compiled();
        Assert.NotEqual(bySh.Inode, byPs1.Inode);
        Assert.NotEqual(stamp, File.ReadAllText(Temp("build.stamp")));

        sh = await ShAsync("bootstrap.sh-reuses.log");

        Assert.True(sh.Exit == 0, BuildScript.Tail(sh.Output));
        Assert.Equal(byPs1, Compiled());
        Assert.Contains(BootstrapCopy.ProbeDescription('2'), sh.Output);
        Assert.Equal(sh.Output, ps1.Output);
    }

    [Fact]
    public async Task Build_ps1_waits_for_the_compile_lock_build_sh_takes()
    {
        Directory.CreateDirectory(Temp());
        // build.sh takes its compile lock with flock(1) on .nuke/temp/compile.lock: hold it the same way.
        using var holder = Process.Start("flock", [Temp("compile.lock"), "sleep", "6"]);
        await Task.Delay(500);

        var ps1 = Ps1Async("bootstrap.ps1-waits.log");
        await Task.Delay(4000);

        // Stale (nothing compiled in the copy yet), so it wants to compile: it waits instead.
        Assert.False(ps1.IsCompleted);
        Assert.False(File.Exists(Temp("build-compile.log")));
        Assert.False(Directory.Exists(Temp("bin.next")));
        await holder.WaitForExitAsync();
        var (exit, output) = await ps1;
        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.True(File.Exists(Temp("bin", "_build.dll")));
    }
}
