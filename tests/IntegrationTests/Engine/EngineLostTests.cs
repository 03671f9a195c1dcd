using System.Diagnostics;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// The engine killed in the middle of T4Conformance (the second engine, so the shared first one is never
/// touched): the stage fails with one line naming the endpoint and the stage, the templates that never ran
/// count as not passed, and once the engine is back the next run removes what the killed one held. On the small
/// fleet, which the collection's fixture built on that engine (phase "small fleet"): the gate starts at once.
/// </summary>
[Collection(SecondEngineCollection.Name)]
public sealed class EngineLostTests(SecondEngineFixture engine)
{
    [Fact]
    public async Task An_engine_killed_during_a_gate_is_named_in_one_line_and_its_leftovers_go_with_the_next_run()
    {
        engine.Phases.Require("small fleet");
        var endpoint = engine.Endpoint.ToString();
        using var build = BuildScript.Start(engine.SmallFleetArgs(["T4Conformance"], "--parallelism", "1"));
        var owner = build.Owner;
        var byOwner = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Owner}={owner}"] = true } };
        var t4 = new ContainersListParameters { All = true, Filters = byOwner };

        var clock = Stopwatch.StartNew();
        while (!(await engine.Docker.Containers.ListContainersAsync(t4)).Any(c => c.Labels.TryGetValue(Labels.Gate, out var g) && g == "t4"))
        {
            Assert.False(build.Process.HasExited, $"the build ended before T4 ran:\n{build.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(20), $"no T4 container after 20 minutes:\n{build.Output}");
            await Task.Delay(200);
        }
        engine.Engine.KillDockerd();
        await build.Process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        var text = build.Output;
        await File.WriteAllTextAsync(RepositoryRoot.Combine("output", "tests", "engine-lost.log"), text);

        try
        {
            Assert.Equal(1, build.Process.ExitCode);
            Assert.Contains($"T4Conformance: the Docker engine at {endpoint} stopped answering (", text);
            Assert.Matches(@"T4Conformance\s+Failed\s+.*?passed [01]/2 templates", text);
            Assert.DoesNotContain("HttpRequestException", text);
            Assert.DoesNotContain("   at ", text);
        }
        finally
        {
            await engine.RestartAsync();
        }

        var left = await engine.Docker.Containers.ListContainersAsync(t4);
        Assert.NotEmpty(left);
        var (exit, next) = await BuildScript.RunAsync("engine-lost.next.log", RepositoryRoot.Path, new Dictionary<string, string>(), "--root", engine.SmallFleetRoot, "Restore", "--docker-host", endpoint);
        Assert.True(exit == 0, BuildScript.Tail(next));
        Assert.Matches(@"Removed \d+ container\(s\) left by earlier builds that were killed", next);
        Assert.Empty(await engine.Docker.Containers.ListContainersAsync(t4));
    }
}
