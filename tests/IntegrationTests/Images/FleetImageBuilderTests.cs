using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.Results;

namespace TemplateFleet.IntegrationTests.Images;

[Collection(FixtureFleetCollection.Name)]
public sealed class FleetImageBuilderTests(FixtureFleet fleet)
{
    [Fact]
    public async Task Builds_a_template_from_the_base_by_id_with_labels_tags_log_and_the_requested_runtime()
    {
        var run = await fleet.BuildAsync(["tiny"], "1.0.0");

        var tiny = run["tiny"];
        Assert.True(tiny.Status == BuildStatus.Built, tiny.Failure);
        Assert.Equal(fleet.BaseImageId, tiny.Base);
        Assert.StartsWith("sha256:", tiny.Base!);
        // The first tag carries the release inputs: another build with other parameters never shares it.
        Assert.Equal([$"molecule-fleet-it/tiny:1.0.0-{ReleaseInputs.Short(tiny.Inputs!)}", "molecule-fleet-it/tiny:1.0.0", $"molecule-fleet-it/tiny:{SourceRevision.Read(Support.RepositoryRoot.Path).Tag}"], tiny.Tags);
        var log = Path.Combine(fleet.Context.Paths.Root, tiny.LogFile!);
        Assert.True(File.Exists(log), log);
        // A real build streams its steps; another test of this class may have built the same inputs already.
        Assert.Contains(File.ReadLines(log), l => l.StartsWith("Step ", StringComparison.Ordinal) || l.StartsWith("Inputs unchanged", StringComparison.Ordinal));
        Assert.True(tiny.Duration > TimeSpan.Zero);
        var onDisk = ResultStore.Open(run.Results.Directory).Build("tiny")!; // the record on disk is the result
        Assert.Equal((tiny.ImageId, tiny.Inputs, tiny.Base, tiny.LogFile), (onDisk.ImageId, onDisk.Inputs, onDisk.Base, onDisk.LogFile));
        Assert.Equal(tiny.Tags, onDisk.Tags);

        var image = await fleet.Engine.Docker.Images.InspectImageAsync(tiny.ImageId!);
        var labels = image.Config!.Labels!;
        Assert.Equal("1.0.0", labels[Labels.RuntimeVersion]);
        Assert.Equal("1.0.0", labels["org.opencontainers.image.version"]);
        Assert.Equal("true", labels[Labels.DevelopmentPackages]);
        Assert.Equal("tiny", labels[Labels.Template]);
        Assert.False(labels.ContainsKey(Labels.Run));
        // Whichever way this engine got the OS (a registry's debian:bookworm-slim, or debootstrap), the label says which.
        var os = await new OsImageProvider(fleet.Engine.Docker, fleet.Context.Paths.Os).EnsureAsync(fleet.Config, CancellationToken.None);
        Assert.Equal(os.Source, labels[Labels.OsSource]);
        Assert.Matches(@"\A(debootstrap:bookworm|registry:debian:bookworm-slim)\z", labels[Labels.OsSource]);
        Assert.False(Path.IsPathRooted(labels["org.opencontainers.image.source"]));
        Assert.True(DateTimeOffset.TryParse(labels["org.opencontainers.image.created"], out _));

        Assert.StartsWith("sha256:", labels[Labels.Inputs]);

        // Nothing changed: the image with the same inputs is reused without asking the engine to build.
        var again = await fleet.BuildAsync(["tiny"], "1.0.0");
        Assert.Equal(tiny.ImageId, again["tiny"].ImageId);
        Assert.Equal(tiny.Inputs, again["tiny"].Inputs);
        var againLog = File.ReadAllText(Path.Combine(fleet.Context.Paths.Root, again["tiny"].LogFile!));
        Assert.Contains($"Inputs unchanged ({labels[Labels.Inputs]}): reusing image {tiny.ImageId}", againLog);
        Assert.DoesNotContain("Step ", againLog);

        // The .dockerignore'd file never reached the engine; the other did.
        var files = await RunInImageAsync(tiny.ImageId!, "ls /app");
        Assert.Equal("notes.txt", files.Trim());
    }

    [Fact]
    public async Task A_runtime_bump_reuses_every_layer_below_the_runtime_layer()
    {
        var first = await fleet.BuildAsync(["tiny"], "0.9.0");
        var second = await fleet.BuildAsync(["tiny"], "1.0.0");

        Assert.True(first["tiny"].Status == BuildStatus.Built, first["tiny"].Failure);
        Assert.True(second["tiny"].Status == BuildStatus.Built, second["tiny"].Failure);
        Assert.NotEqual(first["tiny"].Inputs, second["tiny"].Inputs); // RUNTIME_VERSION is content
        var before = (await fleet.Engine.Docker.Images.InspectImageAsync(first["tiny"].ImageId!)).RootFS.Layers;
        var after = (await fleet.Engine.Docker.Images.InspectImageAsync(second["tiny"].ImageId!)).RootFS.Layers;
        Assert.Equal(before!.Count, after!.Count);
        Assert.Equal(before.Take(before.Count - 1), after.Take(after.Count - 1));
        Assert.NotEqual(before[^1], after[^1]);
        Assert.Contains("1.0.0", await RunInImageAsync(second["tiny"].ImageId!, "molecule-runtime"));
    }

    [Fact]
    public async Task A_broken_template_fails_naming_itself_and_the_step_while_the_others_build()
    {
        var run = await fleet.BuildAsync(["broken", "tiny"], "1.0.0");

        Assert.True(run["tiny"].Status == BuildStatus.Built, run["tiny"].Failure);
        var broken = run["broken"];
        Assert.Equal(BuildStatus.Failed, broken.Status);
        Assert.Null(broken.ImageId);
        Assert.Contains("'broken'", broken.Failure);
        Assert.Matches(@"Step \d+/\d+ : RUN echo ""broken-step", broken.Failure);
        Assert.Contains("returned a non-zero code: 3", broken.Failure);
        Assert.Contains("broken-step: installing the agent fails", broken.Failure);
        Assert.Contains("broken.build.log", broken.Failure);
    }

    [Fact]
    public async Task A_swallowed_cli_install_is_caught_by_the_post_build_cli_check()
    {
        var run = await fleet.BuildAsync(["swallowed"], "1.0.0");

        var swallowed = run["swallowed"];
        Assert.Equal(BuildStatus.Failed, swallowed.Status);
        Assert.NotNull(swallowed.ImageId);
        Assert.Empty(swallowed.Tags);
        await Assert.ThrowsAsync<Docker.DotNet.DockerImageNotFoundException>(() => fleet.Engine.Docker.Images.InspectImageAsync("molecule-fleet-it/swallowed:1.0.0"));
        Assert.Contains("swallowed: `no-such-agent-cli --version` failed in the built image", swallowed.Failure);
        Assert.Contains("not found", swallowed.Failure);
    }

    [Fact]
    public async Task An_image_holding_another_runtime_version_fails_naming_both()
    {
        var run = await fleet.BuildAsync(["stale"], "1.0.0");

        Assert.Equal(BuildStatus.Failed, run["stale"].Status);
        Assert.Equal("stale: the image holds molecule-ai-workspace-runtime 0.9.0 but RUNTIME_VERSION 1.0.0 was requested (a cached install layer?)", run["stale"].Failure);
    }

    private async Task<string> RunInImageAsync(string image, string command) =>
        (await new ImageVerifier(fleet.Engine.Docker).RunAsync(image, "test", "inspect", ["/bin/sh", "-c", command], CancellationToken.None)).Output;
}
