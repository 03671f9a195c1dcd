using System.Diagnostics;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Host;

/// <summary>
/// ./build.sh stopped during a gate, as a CI runner stops it: SIGTERM when a job is cancelled (handled like
/// Ctrl-C: work stops, the run's containers go, the summary is printed, exit 143), SIGKILL when it gives up
/// waiting (nothing is cleaned then, so the next run removes what is left). On the second engine: on the
/// shared first one another build's clean-up could remove what these tests must see removed by this one. On the
/// small fleet, which the collection's fixture built on that engine (phase "small fleet"): the gate starts at once.
/// </summary>
[Collection(SecondEngineCollection.Name)]
public sealed class SignalTests(SecondEngineFixture engine)
{
    private string[] Gate => engine.SmallFleetArgs(["Smoke"], "--templates", TemplateFleet.IntegrationTests.SmallFleet.SmallFleetRepository.Hermes);

    /// <summary>Starts ./build.sh and returns once a gate container of it runs.</summary>
    private async Task<RunningBuild> StartUntilAGateRunsAsync()
    {
        engine.Phases.Require("small fleet");
        var build = BuildScript.Start(Gate);
        var clock = Stopwatch.StartNew();
        while ((await ContainersOfAsync(build.Owner, GateLabels.Smoke)).Count == 0)
        {
            Assert.False(build.Process.HasExited, $"the build ended (exit {(build.Process.HasExited ? build.Process.ExitCode : 0)}) before a gate ran:\n{build.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(20), $"no gate container after 20 minutes:\n{build.Output}");
            await Task.Delay(100);
        }
        return build;
    }

    /// <summary>The build's containers (of one gate when <paramref name="gate"/> is given: BuildImage's own
    /// verification containers carry the owner too).</summary>
    private async Task<IList<ContainerListResponse>> ContainersOfAsync(string owner, string? gate = null) =>
        await engine.Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = gate is null
                ? new Dictionary<string, bool> { [$"{Labels.Owner}={owner}"] = true }
                : new Dictionary<string, bool> { [$"{Labels.Owner}={owner}"] = true, [$"{Labels.Gate}={gate}"] = true }
            },
        });

    [Fact]
    public async Task SIGTERM_during_a_gate_stops_it_removes_its_containers_prints_the_summary_and_exits_143()
    {
        using var build = await StartUntilAGateRunsAsync();

        build.Signal("TERM");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await build.Process.WaitForExitAsync(limit.Token);
        var output = build.Output;
        await File.WriteAllTextAsync(RepositoryRoot.Combine("output", "tests", "sigterm.log"), output);

        Assert.Equal(143, build.Process.ExitCode);
        Assert.Contains("Terminated (SIGTERM): stopping the running work and cleaning up", output);
        // The template whose checks were cut short did not pass.
        Assert.Matches(@"Smoke\s+Failed\s+.*?passed 0/1 templates", output);
        Assert.Contains("Total", output);
        Assert.Contains("Build failed", output);
        Assert.Empty(await ContainersOfAsync(build.Owner));
    }

    [Fact]
    public async Task What_a_SIGKILLed_build_leaves_the_next_run_removes()
    {
        using var build = await StartUntilAGateRunsAsync();

        build.Signal("KILL");
        await build.Process.WaitForExitAsync();
        var left = await ContainersOfAsync(build.Owner);
        Assert.NotEmpty(left);

        var (exit, output) = await BuildScript.RunAsync("after-sigkill.log", RepositoryRoot.Path, new Dictionary<string, string>(),
            "--root", engine.SmallFleetRoot, "Restore", "--docker-host", engine.Endpoint.ToString());

        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.Matches(@"Removed \d+ container\(s\) left by earlier builds that were killed", output);
        Assert.Empty(await ContainersOfAsync(build.Owner));
    }
}
