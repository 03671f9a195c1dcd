using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;

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
    public EmbeddedIndex Index { get; private set; } = null!;
    public string BaseImageId { get; private set; } = null!;
    private readonly List<FleetRun> _runs = [];

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
        foreach (var run in _runs)
        {
            await Engine.CleanupRunAsync(run.RunId);
            // Template images carry no run label (it would defeat the cache): remove them by tag and id.
            await Engine.RemoveImagesAsync(run.Templates.SelectMany(t => t.Tags.Append(t.ImageId ?? "")).Where(r => r.Length > 0));
        }

        await Index.DisposeAsync();
        await Engine.DisposeAsync();
    }

    public FleetImageBuilder Builder => new(Engine.Docker);

    public ImageBuildOptions Options => new(RepositoryRoot.Path, Output: Output);

    public FleetRun NewRun(IEnumerable<string> templates, string runtimeVersion)
    {
        var run = new FleetRun(RunIds.New(), Config, FleetLoader.LoadTemplates(Config, templates))
        {
            RuntimeVersion = runtimeVersion,
            PackageIndexUrl = Index.SimpleUrl.ToString(),
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
