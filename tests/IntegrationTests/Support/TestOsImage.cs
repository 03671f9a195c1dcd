using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The Debian 12 OS image small test images build FROM: the same one the product uses (a registry's
/// debian:bookworm-slim, else debootstrapped once and cached by OsImageProvider), so the tests need nothing
/// that a fresh host does not have. Every fixture that runs ./build.sh on engine A ensures it first: two builds
/// that start on an engine without it would each bootstrap Debian and tag their own.
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
            // By id, checked each time: a concurrent bootstrap (a ./build.sh of another test) can replace the tag.
            if (reference is not null && !await ExistsAsync(reference))
                reference = null;
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

    /// <summary>
    /// The same OS image for a fleet of the tests' own (a FixtureRepo: another images.repository), tagged once, under
    /// the same lock, as that fleet's bootstrapped OS image (<c>&lt;repository&gt;/os:&lt;suite&gt;</c>, where
    /// OsImageProvider looks first). Two such fleets starting on a cold engine otherwise each debootstrapped Debian
    /// (35 s each), and the later one moved the tag under the other's base: its next build missed the cache.
    /// </summary>
    public static async Task<string> EnsureAsync(FleetConfig fleet)
    {
        var id = await EnsureAsync();
        var (repository, tag) = (fleet.Images.RepositoryOf("os"), fleet.Base.Os.Suite);
        await Lock.WaitAsync();
        try
        {
            if (!await ExistsAsync($"{repository}:{tag}"))
                await TestEngine.Engine.Client.Images.TagImageAsync(id, new Docker.DotNet.Models.ImageTagParameters { RepositoryName = repository, Tag = tag });
            return id;
        }
        finally
        {
            Lock.Release();
        }
    }

    static async Task<bool> ExistsAsync(string id)
    {
        try
        {
            await TestEngine.Engine.Client.Images.InspectImageAsync(id);
            return true;
        }
        catch (Docker.DotNet.DockerImageNotFoundException)
        {
            return false;
        }
    }
}
