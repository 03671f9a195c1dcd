using TemplateFleet.Registry;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>A Distribution registry of the test's own on a free loopback port (htpasswd auth when a user and password
/// are given); never one that already answered there. The caller stops it.</summary>
public static class OwnRegistry
{
    public static async Task<LocalRegistry> StartAsync(string directory, string? username = null, string? password = null)
    {
        var registry = await RegistryProvisioner.EnsureAsync(
            directory, global::IntegrationTests.Publishing.RegistryFixture.FreePort(), username, password, CancellationToken.None);
        return registry.StartedHere ? registry : throw new InvalidOperationException($"the registry at {registry.Address} was not started by this test");
    }
}
