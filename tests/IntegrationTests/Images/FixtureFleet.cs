using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Python;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>
/// Shared by the image tests: the engine, the fixture fleet's embedded index and the fixture base,
/// built once (the expensive part: the OS image and apt in the base); each test builds only its templates.
/// </summary>
public sealed class FixtureFleet : IAsyncLifetime
{
    /// <summary>A small repository of its own (templates/fleet.yaml and template folders), read by the product's loader.</summary>
    public static readonly string RepositoryDirectory = RepositoryRoot.Combine("tests", "IntegrationTests", "Images", "FixtureRepo");

    public EngineFixture Engine { get; } = new();
    public FleetConfig Config { get; } = FleetLoader.LoadFleet(RepositoryDirectory);
    public string Output { get; } = RepositoryRoot.Combine("output", "tests", RunIds.New("images"));
    /// <summary>The builder's context: this fixture's own output folder, one run id for every build it makes.</summary>
    public RunContext Context { get; }
    public EmbeddedIndex Index { get; private set; } = null!;
    public string BaseImageId { get; private set; } = null!;
    private readonly List<FleetRun> _runs = [];

    public FixtureFleet() => Context = TestEngine.Context(RunIds.New(), new RunPaths(RepositoryRoot.Path, Output));

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        Index = await EmbeddedIndex.StartAsync(Config, [], Output, CancellationToken.None, preferredPort: 0);
        var warmUp = NewRun([], "0.9.0");
        await Builder.BuildFleetAsync(warmUp, Options, CancellationToken.None);
        BaseImageId = warmUp.BaseImageId!;
    }

    public async Task DisposeAsync()
    {
        await Engine.CleanupRunAsync(Context.RunId);
        foreach (var run in _runs)
        {
            // Template images carry no run label (it would defeat the cache): remove them by tag and id.
            await Engine.RemoveImagesAsync(run.Templates.SelectMany(t => t.Tags.Append(t.ImageId ?? "")).Where(r => r.Length > 0));
        }

        await Index.DisposeAsync();
        await Engine.DisposeAsync();
    }

    public FleetImageBuilder Builder => new(Context);

    public ImageBuildOptions Options => new();

    public FleetRun NewRun(IEnumerable<string> templates, string runtimeVersion)
    {
        var run = new FleetRun(Config, FleetLoader.LoadTemplates(Config, templates), Pep440Version.Parse(runtimeVersion), Index.SimpleUrl.ToString())
        {
            DevelopmentPackages = true,
        };
        _runs.Add(run);
        return run;
    }
}

[CollectionDefinition(Name)]
public sealed class FixtureFleetCollection : ICollectionFixture<FixtureFleet>
{
    public const string Name = "fixture fleet";
}
