using System.Diagnostics;
using System.Globalization;
using System.Text;
using Docker.DotNet.Models;
using IntegrationTests.Gates;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Host;

/// <summary>
/// ./build.sh stopped during a gate, as a CI runner stops it: SIGTERM when a job is cancelled (handled like
/// Ctrl-C: work stops, the run's containers go, the summary is printed, exit 143), SIGKILL when it gives up
/// waiting (nothing is cleaned then, so the next run removes what is left).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class SignalTests
{
    private static readonly string[] Gate = ["Smoke", "--templates", "codex", "--runtime-version", "1.0.0"];

    private sealed record RunningBuild(Process Process, string Owner, StringBuilder Output);

    /// <summary>Starts ./build.sh and returns once a gate container of it runs.</summary>
    private static async Task<RunningBuild> StartUntilAGateRunsAsync()
    {
        var start = new ProcessStartInfo(RepositoryRoot.Combine("build.sh")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        foreach (var arg in Gate)
            start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // build.sh execs dotnet: the same pid and start time, so the owner label names this process.
        var owner = RunOwner.Of(process);
        var clock = Stopwatch.StartNew();
        while ((await ContainersOfAsync(owner)).Count == 0)
        {
            Assert.False(process.HasExited, $"the build ended (exit {(process.HasExited ? process.ExitCode : 0)}) before a gate ran:\n{output}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(20), $"no gate container after 20 minutes:\n{output}");
            await Task.Delay(250);
        }
        return new RunningBuild(process, owner, output);
    }

    private static async Task<IList<ContainerListResponse>> ContainersOfAsync(string owner) =>
        await TestEngine.Engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Owner}={owner}"] = true } },
        });

    private static void Signal(Process process, string signal) =>
        Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    [Fact]
    public async Task SIGTERM_during_a_gate_stops_it_removes_its_containers_prints_the_summary_and_exits_143()
    {
        var build = await StartUntilAGateRunsAsync();

        Signal(build.Process, "TERM");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await build.Process.WaitForExitAsync(limit.Token);
        var output = build.Output.ToString();
        await File.WriteAllTextAsync(RepositoryRoot.Combine("output", "tests", "sigterm.log"), output);

        Assert.Equal(143, build.Process.ExitCode);
        Assert.Contains("Terminated (SIGTERM): stopping the running work and cleaning up", output);
        Assert.Matches(@"Smoke\s+Failed", output);
        Assert.Contains("Total", output);
        Assert.Contains("Build failed", output);
        Assert.Empty(await ContainersOfAsync(build.Owner));
    }

    [Fact]
    public async Task What_a_SIGKILLed_build_leaves_the_next_run_removes()
    {
        var build = await StartUntilAGateRunsAsync();

        build.Process.Kill();
        await build.Process.WaitForExitAsync();
        var left = await ContainersOfAsync(build.Owner);
        Assert.NotEmpty(left);

        var (exit, output) = await BuildScript.RunAsync("after-sigkill.log", RepositoryRoot.Path, new Dictionary<string, string>(), "Restore");

        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.Matches(@"Removed \d+ container\(s\) left by earlier builds that were killed", output);
        Assert.Empty(await ContainersOfAsync(build.Owner));
    }
}
