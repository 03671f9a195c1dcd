using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Pins;
using TemplateFleet.Registry;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// The real fleet on the second engine's own containerd store, through the README's command with
/// --docker-host: base and four templates built there (only the OS image was seeded), both gates passed,
/// published to a registry of its own and pinned. In a copy of the repository (same folder name, so the
/// image labels are the fleet's), so the checkout gets no development pins. Cold: about 15 minutes of a
/// busy 2-core host; later runs reuse the second engine's data root.
/// </summary>
[Collection(SecondEngineCollection.Name)]
[Trait("Category", "RealFleet")]
public sealed class SecondEngineFleetTests(SecondEngineFixture engine) : IAsyncLifetime
{
    static readonly string[] Fleet = ["claude-code", "codex", "hermes", "openclaw"];
    readonly string scratch = Directory.CreateTempSubdirectory("second-engine-fleet-").FullName;
    LocalRegistry registry = null!;

    string Root => Path.Combine(scratch, Path.GetFileName(RepositoryRoot.Path));

    public async Task InitializeAsync()
    {
        UnitTests.TreeCopy.Repository(RepositoryRoot.Path, Root);
        registry = await OwnRegistry.StartAsync(Path.Combine(scratch, "registry"));
    }

    public async Task DisposeAsync()
    {
        await registry.StopAsync();
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task Publish_builds_gates_and_publishes_the_real_fleet_on_the_containerd_store()
    {
        var (exit, output) = await BuildScript.RunAsync("second-engine-publish.log", Root, new Dictionary<string, string>(),
            "--root", Root, "Publish", "--runtime-version", "1.0.0", "--docker-host", engine.Endpoint.ToString(), "--registry", registry.Address,
            "--unsigned"); // the store is what is proven here; the supply chain of the whole fleet: ReleaseWorkflowTests

        Assert.True(exit == 0, $"./build.sh Publish --docker-host {engine.Endpoint} exited {exit}; log: output/tests/second-engine-publish.log\n{BuildScript.Tail(output, 80)}");
        Assert.Matches(@"BuildImage\s+Succeeded", output);
        Assert.Matches(@"Smoke\s+Succeeded.*passed 4/4 templates", output);
        Assert.Matches(@"T4Conformance\s+Succeeded.*passed 4/4 templates", output);
        Assert.Contains("published 4/4 templates", output);

        var fleet = FleetLoader.LoadFleet(Root);
        using var http = new HttpClient();
        foreach (var name in Fleet)
        {
            var pin = PinFile.Read(Path.Combine(Root, "templates", name, PinFile.FileName));
            Assert.Equal($"{registry.Address}/{fleet.Images.RepositoryOf(name)}", pin.Image);
            // On the containerd store an image's id is its manifest's digest: the pushed, pinned digest.
            var image = await engine.Docker.Images.InspectImageAsync($"{fleet.Images.RepositoryOf(name)}:1.0.0");
            Assert.Equal(pin.Digest, image.ID);
            Assert.Contains(image.RepoDigests ?? [], d => d == $"{pin.Image}@{pin.Digest}");
        }

        // Built there, not copied: the base exists on the second engine under an id the first engine does not have.
        var byName = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [fleet.Base.Image] = true } };
        var baseOnSecond = Assert.Single((await engine.Docker.Images.ListImagesAsync(new ImagesListParameters { Filters = byName })).Select(i => i.ID).Distinct());
        var onFirst = await TestEngine.Engine.Client.Images.ListImagesAsync(new ImagesListParameters { All = true });
        Assert.DoesNotContain(onFirst, i => i.ID == baseOnSecond);
    }
}
