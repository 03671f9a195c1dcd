using System.Net.NetworkInformation;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>The second engine answers as Engine 26 with the containerd image store, beside the first.</summary>
[Collection(SecondEngineCollection.Name)]
public sealed class SecondEngineTests(SecondEngineFixture engine)
{
    [Fact]
    public async Task It_answers_as_API_1_45_with_the_containerd_image_store()
    {
        var version = await engine.Docker.System.GetVersionAsync();
        var info = await engine.Docker.System.GetSystemInfoAsync();

        Assert.StartsWith("26.1.5", version.Version);
        Assert.Equal("1.45", version.APIVersion);
        Assert.StartsWith("1.7.24", version.Components!.Single(c => c.Name == "containerd").Version);
        Assert.StartsWith("1.1.5", version.Components!.Single(c => c.Name == "runc").Version);
        Assert.Contains(info.DriverStatus, pair => pair[0] == "driver-type" && pair[1] == "io.containerd.snapshotter.v1");
        Assert.Equal(Path.Combine(SecondEngineFixture.StateDirectory, "data"), info.DockerRootDir);
        // The first engine is the other kind: its own store (graph driver), no snapshotter.
        var first = TestEngine.Engine.Client;
        Assert.DoesNotContain((await first.System.GetSystemInfoAsync()).DriverStatus ?? [], pair => pair[1] == "io.containerd.snapshotter.v1");
    }

    /// <summary>The real hermes template (the small fleet's, on a base without Node) builds and passes both gates on
    /// the containerd store; the real templates with Node do in the release (ReleaseWorkflowTests).</summary>
    [Fact]
    public void The_small_fleet_builds_and_passes_Smoke_and_T4_on_the_containerd_store()
    {
        engine.Phases.Require("small fleet");
        var run = engine.SmallFleetBuild;
        run.AssertSucceeded();
        var templates = TemplateFleet.IntegrationTests.SmallFleet.SmallFleetRepository.Templates.Length;
        Assert.Matches(@"BuildImage\s+Succeeded", run.Output);
        Assert.Matches($@"Smoke\s+Succeeded.*passed {templates}/{templates} templates", run.Output);
        Assert.Matches($@"T4Conformance\s+Succeeded.*passed {templates}/{templates} templates", run.Output);
    }

    /// <summary>The small fleet built here (phase "small fleet") built again with nothing changed: every image is
    /// reused by its inputs' address on this store too, none is built (on 20.10: FleetImageBuilderTests).</summary>
    [Fact]
    public void A_rebuild_with_nothing_changed_reuses_every_image_on_the_containerd_store()
    {
        engine.Phases.Require("small fleet rebuilt");
        var rebuild = engine.SmallFleetRebuild;
        rebuild.AssertSucceeded();
        Assert.Equal(1 + TemplateFleet.IntegrationTests.SmallFleet.SmallFleetRepository.Templates.Length,
            rebuild.Output.Split('\n').Count(l => l.Contains("Inputs unchanged", StringComparison.Ordinal)));
        Assert.DoesNotContain("Step 1/", rebuild.Output);
    }

    [Fact]
    public async Task The_seeded_OS_image_has_the_same_layers_under_another_id()
    {
        var first = TestEngine.Engine.Client;
        var tag = engine.OsImageTags[0];

        var there = await first.Images.InspectImageAsync(tag);
        var here = await engine.Docker.Images.InspectImageAsync(tag);

        Assert.Equal(there.RootFS.Layers, here.RootFS.Layers);
        // On the containerd store an image id is its manifest's digest, not its config's: ids differ between the stores.
        Assert.NotEqual(there.ID, here.ID);
        Assert.StartsWith("sha256:", here.ID);
    }

    [Fact]
    public async Task A_container_runs_on_its_own_bridge_while_the_first_engines_containers_keep_working()
    {
        var run = RunIds.New("se");
        var labels = new Dictionary<string, string> { [Labels.Run] = run };
        var first = TestEngine.Engine.Client;
        var tag = engine.OsImageTags[0];
        var onFirst = await StartAsync(first, tag, labels);
        try
        {
            var onSecond = await StartAsync(engine.Docker, tag, labels);
            var bridge = SecondEngine.BridgeName(SecondEngineFixture.StateDirectory);
            var gateway = NetworkInterface.GetAllNetworkInterfaces().Single(i => i.Name == bridge)
                .GetIPProperties().UnicastAddresses.Single(a => a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).Address.ToString();

            var second = await engine.Docker.Containers.InspectContainerAsync(onSecond);
            var network = second.NetworkSettings!.Networks!["bridge"];
            Assert.Equal(gateway, network.Gateway);
            Assert.StartsWith(gateway[..gateway.LastIndexOf('.')] + ".", network.IPAddress);
            Assert.Equal(0, await ExecAsync(engine.Docker, onSecond, "true"));

            // The first engine's bridge and containers are untouched.
            Assert.Contains(NetworkInterface.GetAllNetworkInterfaces(), i => i.Name == "docker0");
            Assert.Equal(0, await ExecAsync(first, onFirst, "true"));
            Assert.NotEqual(gateway, (await first.Containers.InspectContainerAsync(onFirst)).NetworkSettings!.Networks!["bridge"].Gateway);
            await engine.Docker.Containers.RemoveContainerAsync(onSecond, new ContainerRemoveParameters { Force = true });
            Assert.Equal(0, await ExecAsync(first, onFirst, "true"));
        }
        finally
        {
            await first.Containers.RemoveContainerAsync(onFirst, new ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task The_engines_own_init_reaps_what_its_containers_leave()
    {
        // dockerd as PID 1 collects zombie shims (the first engine has hundreds); this one's init reaps them.
        var labels = new Dictionary<string, string> { [Labels.Run] = RunIds.New("se") };
        for (var i = 0; i < 3; i++)
        {
            var id = await StartAsync(engine.Docker, engine.OsImageTags[0], labels);
            await engine.Docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }
        await Task.Delay(1000);

        var tree = ProcessTree.Descendants(engine.Engine.LauncherPid);
        Assert.NotEmpty(tree);
        Assert.DoesNotContain(tree, pid => ProcessTree.Field(pid, 0) == "Z");
    }

    private static async Task<string> StartAsync(IDockerClient docker, string image, IDictionary<string, string> labels)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = ["sleep", "120"],
            Labels = labels,
        });
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    private static async Task<long> ExecAsync(IDockerClient docker, string container, params string[] command)
    {
        var exec = await docker.Exec.CreateContainerExecAsync(container, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true });
        using (var stream = await docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters()))
        {
            await stream.ReadOutputToEndAsync(CancellationToken.None);
        }
        return (await docker.Exec.InspectContainerExecAsync(exec.ID)).ExitCode ?? -1;
    }
}
