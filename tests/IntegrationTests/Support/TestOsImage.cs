using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The Debian 12 OS image small test images build FROM: the same one the product uses (a registry's
/// debian:bookworm-slim, else debootstrapped once and cached by OsImageProvider), so the tests need nothing
/// that a fresh host does not have.
/// </summary>
public static class TestOsImage
{
    static readonly SemaphoreSlim Lock = new(1, 1);
    static string? reference;

    public static async Task<string> EnsureAsync()
    {
        await Lock.WaitAsync();
        try
        {
            if (reference is null)
            {
                await EngineProvisioner.EnsureAsync(TestEngine.Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);
                var fleet = FleetLoader.LoadFleet(RepositoryRoot.Path);
                reference = (await new OsImageProvider(TestEngine.Engine.Client, TestEngine.Paths.Os).EnsureAsync(fleet, CancellationToken.None)).Reference;
            }
            return reference;
        }
        finally
        {
            Lock.Release();
        }
    }
}
