using TemplateFleet.Registry;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>A Distribution registry of the test's own on a free loopback port (no auth); the caller stops it.</summary>
public static class OwnRegistry
{
    public static Task<LocalRegistry> StartAsync(string directory) =>
        RegistryProvisioner.EnsureAsync(new RegistryProvisionOptions
        {
            Directory = directory,
            Port = global::IntegrationTests.Publishing.RegistryFixture.FreePort(),
        }, CancellationToken.None);
}
