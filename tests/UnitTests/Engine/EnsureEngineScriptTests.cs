using System.Diagnostics;

namespace TemplateFleet.UnitTests.Engine;

/// <summary>
/// build/Engine/ensure-engine.sh itself, with a fake dockerd, pgrep and debootstrap first on PATH and the pid
/// files in a temporary run directory: no real engine is asked, started or touched.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // a bash script, with /proc
public sealed class EnsureEngineScriptTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ensure-engine-").FullName;
    readonly List<Process> started = [];

    string Bin => Path.Combine(dir, "bin");
    string RunDir => Path.Combine(dir, "run");
    string Socket => $"unix://{dir}/docker.sock";
    string Starts => Path.Combine(dir, "dockerd-starts.txt");
    string PidFile => Path.Combine(dir, "engine", "dockerd.pid");

    public EnsureEngineScriptTests()
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.Combine(RunDir, "docker", "containerd"));
        // The fake engine records each start with its arguments, then stays up a little, as a starting dockerd does.
        Executable("dockerd", $"echo \"$*\" >> '{Starts}'\nsleep 20\nexit 0\n");
        Executable("debootstrap", "exit 0\n");
        Pgrep();
    }

    public void Dispose()
    {
        foreach (var process in started)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        Directory.Delete(dir, recursive: true);
    }

    void Executable(string name, string body)
    {
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>pgrep -x dockerd lists exactly these processes (pgrep exits 1 when there are none).</summary>
    void Pgrep(params int[] pids) =>
        Executable("pgrep", pids.Length == 0 ? "exit 1\n" : string.Concat(pids.Select(p => $"echo {p}\n")));

    /// <summary>A dockerd already running: the fake, with these arguments in its /proc cmdline.</summary>
    int RunningDockerd(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(Bin, "dockerd"), args) { UseShellExecute = false };
        var process = Process.Start(start)!;
        started.Add(process);
        WaitUntil(() => File.Exists(Starts) && File.ReadAllLines(Starts).Length == 1, "the running fake dockerd to record its start");
        return process.Id;
    }

    (int Exit, string Output) Run()
    {
        var script = Path.Combine(global::UnitTests.RepositoryRoot.Path, "build", "Engine", "ensure-engine.sh");
        var start = new ProcessStartInfo("bash", [script, Socket, Path.Combine(dir, "engine", "dockerd.log"), PidFile, RunDir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = Bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "ensure-engine.sh did not finish within 30 s");
        return (process.ExitCode, output.Result + error.Result);
    }

    string[] Recorded() => File.Exists(Starts) ? File.ReadAllLines(Starts) : [];

    static void WaitUntil(Func<bool> condition, string what)
    {
        for (var i = 0; i < 100 && !condition(); i++)
            Thread.Sleep(100);
        Assert.True(condition(), $"timed out waiting for {what}");
    }

    [Fact]
    public void A_dockerd_that_runs_for_this_socket_is_never_doubled()
    {
        var pid = RunningDockerd("--host", Socket);
        Pgrep(pid);

        var (exit, output) = Run();

        Assert.Equal(0, exit);
        Assert.Contains($"dockerd (pid {pid}: ", output);
        Assert.Contains("already runs for", output);
        Assert.Equal(pid.ToString(), File.ReadAllText(PidFile).Trim());
        Thread.Sleep(500); // a second start, had there been one, would have recorded itself by now
        Assert.Equal([$"--host {Socket}"], Recorded());
    }

    [Fact]
    public void A_dockerd_without_a_host_option_serves_the_default_socket_and_is_not_doubled_either()
    {
        var pid = RunningDockerd("--data-root", Path.Combine(dir, "data"));
        Pgrep(pid);

        var (exit, output) = Run();

        Assert.Equal(0, exit);
        Assert.Contains("already runs for", output);
        Assert.Equal(pid.ToString(), File.ReadAllText(PidFile).Trim());
        Assert.Single(Recorded());
    }

    [Fact]
    public void Stale_pid_files_are_removed_when_no_dockerd_runs_and_one_is_started()
    {
        var dockerPid = Path.Combine(RunDir, "docker.pid");
        var containerdPid = Path.Combine(RunDir, "docker", "containerd", "containerd.pid");
        File.WriteAllText(dockerPid, "1\n");
        File.WriteAllText(containerdPid, "17\n");

        var (exit, output) = Run();

        Assert.Equal(0, exit);
        Assert.False(File.Exists(dockerPid), output);
        Assert.False(File.Exists(containerdPid), output);
        Assert.Contains($"Removing stale {dockerPid}", output);
        Assert.Contains($"Removing stale {containerdPid}", output);
        Assert.True(int.TryParse(File.ReadAllText(PidFile).Trim(), out var launcher) && launcher > 0);
        WaitUntil(() => Recorded().Length == 1, "the new dockerd to start");
        Assert.Equal([$"--host {Socket}"], Recorded());
        started.Add(Process.GetProcessById(launcher));
    }

    [Fact]
    public void A_dockerd_for_another_socket_does_not_count_and_its_pid_files_are_not_there_to_remove()
    {
        var other = RunningDockerd("--host", $"unix://{dir}/other.sock");
        Pgrep(other);

        var (exit, output) = Run();

        Assert.Equal(0, exit);
        Assert.DoesNotContain("already runs", output);
        Assert.DoesNotContain("Removing stale", output);
        var launcher = int.Parse(File.ReadAllText(PidFile).Trim());
        Assert.NotEqual(other, launcher);
        WaitUntil(() => Recorded().Length == 2, "the new dockerd to start");
        Assert.Equal($"--host {Socket}", Recorded()[1]);
        started.Add(Process.GetProcessById(launcher));
    }
}
