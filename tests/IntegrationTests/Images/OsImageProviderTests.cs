using Docker.DotNet;
using Docker.DotNet.Models;
using IntegrationTests.Publishing;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Registry;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>
/// The registry path of OsImageProvider, against a real registry on loopback: the OS image is pushed there as
/// a tagged debian:bookworm-slim and fleet.yaml's os.image points at it, so the provider pulls it instead of
/// running debootstrap.
/// </summary>
public sealed class OsImageProviderTests
{
    [Fact]
    public async Task An_os_image_a_registry_serves_is_pulled_and_labelled_as_from_the_registry()
    {
        var docker = TestEngine.Engine.Client;
        var osId = await TestOsImage.EnsureAsync();
        var work = Directory.CreateTempSubdirectory("os-registry-").FullName;
        var registry = await RegistryProvisioner.EnsureAsync(Path.Combine(work, "registry"), RegistryFixture.FreePort(), null, null, CancellationToken.None);
        var (repository, tag) = ($"{registry.Address}/debian", "bookworm-slim");
        var reference = $"{repository}:{tag}";
        try
        {
            Assert.True(registry.StartedHere, "the test registry must be our own, on a free port");
            await docker.Images.TagImageAsync(osId, new ImageTagParameters { RepositoryName = repository, Tag = tag });
            var push = new StreamProgress("push", reference);
            await docker.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, new AuthConfig(), push);
            Assert.Null(push.Error);
            // The engine must not hold it under that name: only a pull can bring it back.
            await docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { NoPrune = true });

            var fleet = FleetLoader.LoadFleet(RepositoryRoot.Path);
            // A repository no bootstrap ever tagged, so a cached <repository>/os:bookworm cannot answer first.
            var config = fleet with
            {
                Images = fleet.Images with { Repository = RunIds.New("os-registry-it") },
                Base = fleet.Base with { Os = new OsSource(reference, "bookworm") },
            };

            var os = await new OsImageProvider(docker, Path.Combine(work, "os")).EnsureAsync(config, CancellationToken.None);

            Assert.Equal($"registry:{reference}", os.Source);
            Assert.Equal(osId, os.Reference); // the same content, pulled by name, is the same image id
            Assert.Equal(osId, (await docker.Images.InspectImageAsync(reference)).ID);
            Assert.Empty(Directory.Exists(Path.Combine(work, "os")) ? Directory.GetDirectories(Path.Combine(work, "os")) : []);
        }
        finally
        {
            try
            {
                await docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { NoPrune = true });
            }
            catch (DockerImageNotFoundException)
            {
                // not pulled back (the test failed before)
            }
            await registry.StopAsync();
            Directory.Delete(work, recursive: true);
        }
    }
}
