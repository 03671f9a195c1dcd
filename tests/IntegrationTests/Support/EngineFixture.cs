using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The real engine for integration tests: made sure of once (EngineProvisioner reuses a running one and
/// starts one where it may). A missing engine FAILS the tests, with the provisioner's instructions.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private EngineInfo? _info;

    public EngineInfo Info => _info ?? throw new InvalidOperationException("Engine fixture not initialised.");
    public DockerEngine Engine => TestEngine.Engine;
    public IDockerClient Docker => Engine.Client;

    public async Task InitializeAsync() =>
        _info = await EngineProvisioner.EnsureAsync(Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask; // the shared client lives as long as the test process

    /// <summary>Removes the given images (ids or tags) if they still exist.</summary>
    public async Task RemoveImagesAsync(IEnumerable<string> references)
    {
        foreach (var reference in references)
        {
            try
            {
                await Docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true });
            }
            catch (DockerApiException)
            {
                // Gone already (another tag of the same image, or untagged by the builder).
            }
        }
    }

    /// <summary>Removes the containers and images that carry this run's label (and only those).</summary>
    public async Task CleanupRunAsync(string runId)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Run}={runId}"] = true } };
        foreach (var container in await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
        {
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }

        foreach (var image in await Docker.Images.ListImagesAsync(new ImagesListParameters { Filters = filter }))
        {
            try
            {
                await Docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
            }
            catch (DockerApiException)
            {
                // Already gone with a parent, or shared by another tag of this run: nothing left to do.
            }
        }
    }
}
