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
            var dockerd = Descendants(engine.LauncherPid).Single(p => Command(p) == "dockerd");
            Assert.Equal(0, (await ToolRun("kill", "-KILL", dockerd.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode);
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
            Assert.Single(Descendants(engine.LauncherPid), p => Command(p) == "dockerd");
        }
        finally
        {
            await engine.StopAsync();
        }
    }

    private static Task<TemplateFleet.Tools.ProcessResult> ToolRun(string file, params string[] args) =>
        TemplateFleet.Tools.ToolProcess.RunAsync(file, args, null, TimeSpan.FromSeconds(10), CancellationToken.None);

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition());
    }

    internal static List<int> Descendants(int pid)
    {
        var children = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(p => Field(p, 1) == pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return [.. children, .. children.SelectMany(Descendants)];
    }

    internal static string? Command(int pid) => File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : null;

    /// <summary>A field of /proc/PID/stat after the command (0: state, 1: parent pid), or null when it is gone.</summary>
    internal static string? Field(int pid, int index)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[index];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
