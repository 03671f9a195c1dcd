using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.RealFleet;

/// <summary>
/// The real base's Docker CLI (trixie's docker-cli, fleet.yaml base.dockerCli; the fleet's base of
/// <see cref="RealFleetFixture"/>) against engines through a mounted socket, as T4's docker_socket_reachable probe
/// uses it: the first (Debian's 20.10, API 1.41) and dockerd 26.1.5 with Engine 29's minimum API, 1.44 (an engine of
/// its own). bookworm's docker.io CLI, which the base carried before, is refused by the second: the reason the base
/// takes trixie's.
/// </summary>
[Collection(RealFleetCollection.Name)]
public sealed class BaseDockerCliTests(RealFleetFixture fx) : IAsyncLifetime
{
    SecondEngine engine29 = null!;

    public async Task InitializeAsync() => engine29 = await SecondEngineFixture.Engine29Minimum("base-cli");

    public Task DisposeAsync() => engine29.StopAsync();

    /// <summary>`docker version` of the base's CLI with <paramref name="socket"/> mounted as the default socket.</summary>
    Task<string> VersionAsync(string socket, string format) =>
        global::IntegrationTests.Gates.FixtureImages.Docker(["run", "--rm", "--label", $"{Labels.Run}={fx.RunId}", "--user", "0", "-v", $"{socket}:/var/run/docker.sock",
            "--entrypoint", "docker", fx.BuildOnlyBase.Id, "version", "--format", format]);

    [Fact]
    public async Task The_base_cli_speaks_api_1_44_or_newer_and_negotiates_with_both_engines()
    {
        fx.Phases.Require("fleet");
        var config = FleetLoader.LoadFleet(RepositoryRoot.Path);
        var own = (await fx.RunAsRootAsync(fx.BuildOnlyBase.Id, "sh", "-c", "docker version --format '{{.Client.Version}} {{.Client.DefaultAPIVersion}}' 2>/dev/null || true"))
            .Split(' ', StringSplitOptions.TrimEntries);
        Assert.True(DebianVersion.Packages(config.Base.DockerCli.Version, own[0]), $"the base's CLI is {own[0]}, fleet.yaml pins {config.Base.DockerCli.Version}");
        Assert.True(System.Version.Parse(own[1]) >= new System.Version(1, 44), $"the base's Docker CLI speaks API {own[1]}");

        // Debian's 20.10 engine: the CLI negotiates down to its API and talks to it.
        var first = await TestEngine.Engine.Client.System.GetVersionAsync();
        Assert.Equal($"{first.APIVersion} {first.APIVersion} {first.Version}", (await VersionAsync(TestEngine.Endpoint.AbsolutePath, "{{.Client.APIVersion}} {{.Server.APIVersion}} {{.Server.Version}}")).Trim());

        // An engine that refuses API < 1.44 (Engine 29's minimum): the CLI talks to it at its own version.
        var second = await engine29.Docker.System.GetVersionAsync();
        Assert.Equal(SecondEngineFixture.MinimumApi, second.MinAPIVersion);
        Assert.Equal($"{second.APIVersion} {second.Version}", (await VersionAsync(engine29.Endpoint.AbsolutePath, "{{.Server.APIVersion}} {{.Server.Version}}")).Trim());
    }

    [Fact]
    public async Task Bookworms_docker_io_cli_is_refused_by_an_engine_with_engine_29s_minimum()
    {
        // The host's own docker.io (bookworm's 20.10, the package the base took its CLI from before), found
        // through dpkg: the build installs it for the first engine.
        var files = await ToolProcess.RunAsync("dpkg-query", ["-L", "docker.io"], null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(files.Succeeded, files.Output);
        var cli = files.Output.Split('\n', StringSplitOptions.TrimEntries).Single(f => f.EndsWith("/bin/docker", StringComparison.Ordinal));

        var refused = await ToolProcess.RunAsync(cli, ["--host", engine29.Endpoint.ToString(), "version", "--format", "{{.Server.APIVersion}}"], null, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.False(refused.Succeeded, refused.Output);
        Assert.Contains("client version 1.41 is too old. Minimum supported API version is 1.44", refused.Output);
    }
}
