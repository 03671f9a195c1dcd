using System.Net.NetworkInformation;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// second-engine.sh never takes over a bridge its state folder does not record (a state folder deleted while its
/// engine ran, or another engine's bridge): the start stops with one line naming the bridge and what to do. No engine
/// starts, so this class needs no collection.
/// </summary>
public sealed class SecondEngineBridgeTests
{
    [Fact]
    public async Task A_bridge_of_its_name_that_its_state_does_not_record_is_refused_and_left_alone()
    {
        // What a state folder deleted while its engine ran leaves: the bridge, and nothing in the state saying it is ours.
        var state = RepositoryRoot.Combine("output", "second-engine-unrecorded-bridge");
        if (Directory.Exists(state))
            Directory.Delete(state, recursive: true);
        var bridge = SecondEngine.BridgeName(state);
        await Ip("link", "add", bridge, "type", "bridge");
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SecondEngine.StartAsync(state, CancellationToken.None));
            Assert.Contains($"bridge {bridge} exists already and {state} does not record it", refused.Message);
            Assert.Contains($"'ip link del {bridge}'", refused.Message);
            Assert.Contains(NetworkInterface.GetAllNetworkInterfaces(), i => i.Name == bridge);
            Assert.False(File.Exists(Path.Combine(state, "launcher.pid")));
        }
        finally
        {
            await Ip("link", "del", bridge);
        }
    }

    private static async Task Ip(params string[] args)
    {
        using var ip = System.Diagnostics.Process.Start("ip", args);
        await ip.WaitForExitAsync();
        Assert.Equal(0, ip.ExitCode);
    }

}
