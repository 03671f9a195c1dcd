using Docker.DotNet;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The second engine for the tests of one collection (<see cref="SecondEngineCollection"/>), in two phases
/// (tests/IntegrationTests/README.md): "engine": started once (output/second-engine/), seeded from the first
/// engine with the OS image the fleet builds FROM so that nothing there bootstraps Debian again; "small fleet":
/// the small fleet (<see cref="SmallFleet.SmallFleetRepository"/>) built and gated there (Smoke, T4Conformance), so
/// a test that needs a gate of ./build.sh running on this engine gets there in seconds; "small fleet rebuilt". Stopped at the end. Its data root persists between
/// runs: the next run's seeding finds the image there. A missing first engine FAILS the tests, as everywhere.
/// </summary>
public sealed class SecondEngineFixture : IAsyncLifetime
{
    private SecondEngine? _engine;

    public FixturePhases Phases { get; } = new(nameof(SecondEngineFixture));

    /// <summary>The engine; in a fact, fails it with the "engine" phase's failure when that phase did not succeed.</summary>
    public SecondEngine Engine
    {
        get
        {
            Phases.Require("engine");
            return _engine!;
        }
    }

    /// <summary>The small fleet's repository, built and gated on this engine (phase "small fleet").</summary>
    public string SmallFleetRoot { get; private set; } = "";
    public BuildRun SmallFleetBuild { get; private set; } = null!;

    /// <summary>The same BuildImage again, nothing changed (phase "small fleet rebuilt").</summary>
    public BuildRun SmallFleetRebuild { get; private set; } = null!;

    /// <summary>./build.sh arguments that run <paramref name="targets"/> on the small fleet on this engine, with a package
    /// index of the fixture's own: its URL is a build arg, so every run here has the same inputs and reuses the images.</summary>
    public string[] SmallFleetArgs(string[] targets, params string[] options) =>
        ["--root", SmallFleetRoot, .. targets, "--runtime-version", "1.0.0", "--docker-host", Endpoint.ToString(), "--package-index", smallFleetIndex!.SimpleUrl.ToString(), .. options];

    PackageIndex.EmbeddedIndex? smallFleetIndex;
    public Uri Endpoint => Engine.Endpoint;
    public IDockerClient Docker => Engine.Docker;
    /// <summary>The first engine (20.10 here), for comparisons.</summary>
    public EngineInfo First { get; private set; } = null!;
    /// <summary>The OS image's tags, now on both engines.</summary>
    public IReadOnlyList<string> OsImageTags { get; private set; } = [];
    /// <summary>What seeding cost this run (save on the first engine, load on the second); zero when the second engine still held it.</summary>
    public TimeSpan Seeding { get; private set; }

    public static string StateDirectory => RepositoryRoot.Combine("output", "second-engine");

    /// <summary>What Engine 29 requires at least; dockerd 26 raises its own minimum to it when asked
    /// (DOCKER_MIN_API_VERSION), which <see cref="Engine29Minimum"/> does for the tests of that.</summary>
    public const string MinimumApi = "1.44";

    /// <summary>The same binaries with Engine 29's minimum API, in a state folder of its own (one per test class, so
    /// classes of collections that run side by side never stop each other's); the caller stops it.</summary>
    public static Task<SecondEngine> Engine29Minimum(string name) =>
        SecondEngine.StartAsync(RepositoryRoot.Combine("output", "engine-min-api-1.44-" + name), CancellationToken.None,
            new Dictionary<string, string> { ["DOCKER_MIN_API_VERSION"] = MinimumApi });

    public async Task InitializeAsync()
    {
        await Phases.RunAsync("engine", StartAsync);
        var scratch = RepositoryRoot.Combine("output", "tests", RunIds.New("second-small"));
        Phases.LogOf("small fleet", () => SmallFleetBuild?.Output ?? "");
        await Phases.RunAsync("small fleet", async () =>
        {
            SmallFleetRoot = await SmallFleet.SmallFleetRepository.MakeAsync(scratch);
            smallFleetIndex = await PackageIndex.EmbeddedIndex.StartAsync(FleetLoader.LoadFleet(SmallFleetRoot), [], Path.Combine(scratch, "index"), CancellationToken.None, preferredPort: 0);
            SmallFleetBuild = await BuildScript.RunBuildAsync(Path.Combine(scratch, "build.log"), SmallFleetRoot, null, SmallFleetArgs(["Smoke", "T4Conformance"]));
            SmallFleetBuild.AssertSucceeded();
        }, "engine");
        await Phases.RunAsync("small fleet rebuilt", async () =>
            SmallFleetRebuild = await BuildScript.RunBuildAsync(Path.Combine(scratch, "rebuild.log"), SmallFleetRoot, null, SmallFleetArgs(["BuildImage"], "--parallelism", "1")),
            "small fleet");
    }

    async Task StartAsync()
    {
        First = await EngineProvisioner.EnsureAsync(TestEngine.Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);
        var os = await TestOsImage.EnsureAsync();
        var first = TestEngine.Engine.Client;
        OsImageTags = (await first.Images.InspectImageAsync(os)).RepoTags?.ToList() ?? [];
        if (OsImageTags.Count == 0)
        {
            throw new InvalidOperationException($"the OS image {os} has no tag on the first engine; OsImageProvider tags what it bootstraps or pulls ({FleetLoader.FleetFileName}: base.os)");
        }

        var engine = _engine = await SecondEngine.StartAsync(StateDirectory, CancellationToken.None);
        // The data root outlives the run: an image with the same layers under the same tag needs no copy.
        var layers = (await first.Images.InspectImageAsync(os)).RootFS?.Layers ?? [];
        if (await SameImageAsync(engine.Docker, OsImageTags[0], layers))
        {
            return;
        }
        Seeding = await engine.SeedAsync(first, OsImageTags, CancellationToken.None);
        File.AppendAllText(Path.Combine(StateDirectory, "seeding.log"),
            $"{DateTime.UtcNow:O} seeded {string.Join(", ", OsImageTags)} in {Seeding.TotalSeconds:0.00} s (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})\n");
    }

    private static async Task<bool> SameImageAsync(IDockerClient docker, string tag, IList<string> layers)
    {
        try
        {
            return (await docker.Images.InspectImageAsync(tag)).RootFS?.Layers?.SequenceEqual(layers) == true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Starts the engine again after a test killed it (its data root keeps the images).</summary>
    public async Task RestartAsync()
    {
        var old = _engine;
        _engine = await SecondEngine.StartAsync(StateDirectory, CancellationToken.None);
        if (old is not null)
            await old.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        if (smallFleetIndex is not null)
            await smallFleetIndex.DisposeAsync();
        if (_engine is not null)
        {
            await _engine.StopAsync();
        }
    }
}

/// <summary>Tests that need the second engine share one (and never run beside each other: 2 cores).</summary>
[CollectionDefinition(Name)]
[StartsEarly(2)]
public sealed class SecondEngineCollection : ICollectionFixture<SecondEngineFixture>
{
    public const string Name = "second-engine";
}
