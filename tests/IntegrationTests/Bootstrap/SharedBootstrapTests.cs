using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Bootstrap;

/// <summary>
/// build.sh and build.ps1 share .nuke/temp/bin: the same stamp, the same compile lock, the same compile. In a
/// copy of the repository (two real compiles, about a minute each), so the checkout's own build is untouched.
/// </summary>
public sealed class SharedBootstrapTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];
    private readonly string _root = Directory.CreateTempSubdirectory("bootstrap-").FullName;

    public SharedBootstrapTests()
    {
        UnitTests.TreeCopy.Repository(RepositoryRoot.Path, _root);
        UnitTests.TreeCopy.Copy(RepositoryRoot.Combine("build"), Path.Combine(_root, "build"),
            r => r.Split('/').Any(segment => segment is "bin" or "obj"));
        foreach (var file in new[] { "build.sh", "build.ps1", "global.json", "Directory.Build.props", ".editorconfig" })
        {
            File.Copy(RepositoryRoot.Combine(file), Path.Combine(_root, file));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Temp(params string[] parts) => Path.Combine([_root, ".nuke", "temp", .. parts]);

    /// <summary>The compiled build as a file system sees it: a compile swaps in a new folder, so a new inode.</summary>
    private (string Inode, DateTime Written) Compiled()
    {
        var dll = Temp("bin", "_build.dll");
        var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", dll]) { RedirectStandardOutput = true })!;
        stat.WaitForExit();
        return (stat.StandardOutput.ReadToEnd().Trim(), File.GetLastWriteTimeUtc(dll));
    }

    private Task<(int Exit, string Output)> ShAsync(string log) =>
        BuildScript.RunProgramAsync(log, _root, NoEnvironment, Path.Combine(_root, "build.sh"), ["--help"]);

    private Task<(int Exit, string Output)> Ps1Async(string log) => BuildPs1Tests.BuildPs1Async(log, _root, "--help");

    private void ChangeASource() =>
        File.AppendAllText(Path.Combine(_root, "build", "Build.cs"), $"\n// changed by {nameof(SharedBootstrapTests)} {Guid.NewGuid():N}\n");

    [Fact]
    public async Task What_one_bootstrap_compiled_the_other_runs_without_compiling_again()
    {
        var sh = await ShAsync("bootstrap.sh-compiles.log");
        Assert.True(sh.Exit == 0, BuildScript.Tail(sh.Output));
        var bySh = Compiled();
        var stamp = File.ReadAllText(Temp("build.stamp"));

        var ps1 = await Ps1Async("bootstrap.ps1-reuses.log");

        Assert.True(ps1.Exit == 0, BuildScript.Tail(ps1.Output));
        Assert.Equal(bySh, Compiled());
        Assert.Equal(stamp, File.ReadAllText(Temp("build.stamp")));

        // And the other way round: build.ps1 compiles a change, build.sh runs what it compiled.
        ChangeASource();
        ps1 = await Ps1Async("bootstrap.ps1-compiles.log");
        Assert.True(ps1.Exit == 0, BuildScript.Tail(ps1.Output));
        var byPs1 = Compiled();
        Assert.NotEqual(bySh.Inode, byPs1.Inode);
        Assert.NotEqual(stamp, File.ReadAllText(Temp("build.stamp")));

        sh = await ShAsync("bootstrap.sh-reuses.log");

        Assert.True(sh.Exit == 0, BuildScript.Tail(sh.Output));
        Assert.Equal(byPs1, Compiled());
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
