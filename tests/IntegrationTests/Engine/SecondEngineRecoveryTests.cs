using System.Net.NetworkInformation;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// An engine killed with SIGKILL (a CI runner that gave up, an OOM kill) leaves pid files, a socket and its
/// bridge; the next start removes them and comes up, and stop leaves nothing. Uses an engine of its own state
/// folder, so the collection's engine keeps running.
/// </summary>
[Collection(SecondEngineCollection.Name)]
public sealed class SecondEngineRecoveryTests
{
    private static readonly string State = RepositoryRoot.Combine("output", "second-engine-recovery");

    [Fact]
    public async Task A_SIGKILLed_engine_leaves_nothing_the_next_start_does_not_remove()
    {
        var bridge = SecondEngine.BridgeName(State);
        var engine = await SecondEngine.StartAsync(State, CancellationToken.None);
        try
        {
            Assert.True(engine.Started);
            engine.KillDockerd();
            await WaitUntil(() => !Directory.Exists($"/proc/{engine.LauncherPid}"));

            // What the killed engine left behind.
            Assert.True(File.Exists(Path.Combine(State, "docker.pid")));
            Assert.True(File.Exists(Path.Combine(State, "launcher.pid")));
            Assert.Contains(NetworkInterface.GetAllNetworkInterfaces(), i => i.Name == bridge);

            engine = await SecondEngine.StartAsync(State, CancellationToken.None);
            Assert.True(engine.Started);
            Assert.StartsWith("26.1.5", (await engine.Docker.System.GetVersionAsync()).Version);
        }
        finally
        {
            await engine.StopAsync();
        }

        Assert.DoesNotContain(NetworkInterface.GetAllNetworkInterfaces(), i => i.Name == bridge);
        Assert.False(File.Exists(Path.Combine(State, "docker.pid")));
        Assert.False(File.Exists(Path.Combine(State, "docker.sock")));
        Assert.False(Directory.Exists($"/proc/{engine.LauncherPid}"));
    }

    [Fact]
    public async Task Starting_a_running_engine_again_finds_it_instead_of_doubling_it()
    {
        var engine = await SecondEngine.StartAsync(State, CancellationToken.None);
        try
        {
            var again = await SecondEngine.StartAsync(State, CancellationToken.None);
            await again.DisposeAsync();

            Assert.False(again.Started);
            Assert.Equal(engine.LauncherPid, again.LauncherPid);
            Assert.Single(ProcessTree.Descendants(engine.LauncherPid), p => ProcessTree.Command(p) == "dockerd");
        }
        finally
        {
            await engine.StopAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition());
    }
}
