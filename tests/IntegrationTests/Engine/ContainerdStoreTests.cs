using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Registry;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// Where the containerd image store differs from 20.10's, each shown on both engines with the product's own
/// code: FROM sha256:&lt;id&gt; (the fleet's FROM reference) builds there, an image id is the manifest digest a push
/// reports and a pin holds, and a push reports that digest only in a status line, never in `aux`.
/// </summary>
[Collection(SecondEngineCollection.Name)]
public sealed class ContainerdStoreTests(SecondEngineFixture engine) : IAsyncLifetime
{
    readonly string scratch = Directory.CreateTempSubdirectory("containerd-store-").FullName;
    readonly string run = RunIds.New("store");
    LocalRegistry registry = null!;

    public async Task InitializeAsync() => registry = await OwnRegistry.StartAsync(Path.Combine(scratch, "registry"));

    public async Task DisposeAsync()
    {
        await registry.StopAsync();
        foreach (var docker in new[] { engine.Docker, TestEngine.Engine.Client })
        {
            var mine = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Run}={run}"] = true } };
            foreach (var image in await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = mine }))
                await docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
        }
        Directory.Delete(scratch, recursive: true);
    }

    /// <summary>FROM the OS image by id, as the fleet builds its templates FROM the base.</summary>
    async Task<string> BuildFromIdAsync(IDockerClient docker, string name)
    {
        var context = Directory.CreateDirectory(Path.Combine(scratch, name)).FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nARG MARKER\nRUN echo \"$MARKER\" > /marker\n");
        var os = (await docker.Images.InspectImageAsync(engine.OsImageTags[0])).ID;
        Assert.StartsWith("sha256:", os);
        var result = await new ImageBuilder(docker).BuildAsync(new ImageBuildRequest(name, context,
            new Dictionary<string, string> { ["BASE_IMAGE"] = os, ["MARKER"] = run },
            new Dictionary<string, string> { [Labels.Run] = run },
            [$"{registry.Address}/store-test/{name}:{run}"], Path.Combine(scratch, name + ".log")), CancellationToken.None);
        Assert.True(result.Error is null, $"{result.Error}\n{string.Join('\n', result.LogTail)}");
        return result.ImageId!;
    }

    /// <summary>Pushes with the product's stream reader, and keeps every message the engine sent.</summary>
    static async Task<(string? Digest, List<JSONMessage> Messages)> PushAsync(IDockerClient docker, string repository, string tag)
    {
        var messages = new List<JSONMessage>();
        var reader = new StreamProgress("push", $"{repository}:{tag}");
        await docker.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, new AuthConfig(),
            new Recording(messages, reader), CancellationToken.None);
        Assert.Null(reader.Error);
        return (reader.Digest, messages);
    }

    sealed class Recording(List<JSONMessage> messages, IProgress<JSONMessage> next) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value)
        {
            messages.Add(value);
            next.Report(value);
        }
    }

    static bool AuxHasDigest(JSONMessage m) => m.Aux?.ExtensionData?.ContainsKey("Digest") == true;

    [Fact]
    public async Task FROM_by_id_builds_on_both_stores_and_only_the_containerd_store_makes_the_id_the_pushed_digest()
    {
        var onSecond = await BuildFromIdAsync(engine.Docker, "second");
        var onFirst = await BuildFromIdAsync(TestEngine.Engine.Client, "first");
        using var registryClient = new RegistryClient(RegistryHost.Parse(registry.Address), null, null, plainHttp: true);

        var (secondDigest, _) = await PushAsync(engine.Docker, $"{registry.Address}/store-test/second", run);
        var (firstDigest, _) = await PushAsync(TestEngine.Engine.Client, $"{registry.Address}/store-test/first", run);

        // Both digests are the registry's: what Publish pins.
        Assert.Equal(await registryClient.GetManifestDigestAsync("store-test/second", run, CancellationToken.None), secondDigest);
        Assert.Equal(await registryClient.GetManifestDigestAsync("store-test/first", run, CancellationToken.None), firstDigest);
        // containerd store: the image id is the manifest digest. 20.10: it is the config digest, another value.
        Assert.Equal(secondDigest, onSecond);
        Assert.NotEqual(firstDigest, onFirst);
    }

    [Fact]
    public async Task A_push_reports_its_digest_in_aux_on_20_10_and_only_in_a_status_line_on_the_containerd_store()
    {
        await BuildFromIdAsync(engine.Docker, "second-push");
        await BuildFromIdAsync(TestEngine.Engine.Client, "first-push");

        var (secondDigest, secondMessages) = await PushAsync(engine.Docker, $"{registry.Address}/store-test/second-push", run);
        var (firstDigest, firstMessages) = await PushAsync(TestEngine.Engine.Client, $"{registry.Address}/store-test/first-push", run);

        // A reader of `aux` alone (what 20.10 allows) finds the digest there, and nothing on the containerd store.
        Assert.Contains(firstMessages, AuxHasDigest);
        Assert.DoesNotContain(secondMessages, AuxHasDigest);
        Assert.Contains(secondMessages, m => m.Status?.Contains($"digest: {secondDigest}", StringComparison.Ordinal) == true);
        Assert.StartsWith("sha256:", secondDigest);
        Assert.StartsWith("sha256:", firstDigest);
    }
}
