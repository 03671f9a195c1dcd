using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Results;

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
    public string BaseImageId => Base.ImageId!;
    /// <summary>The fixture base, as BuildBase recorded it once; every run of the tests builds FROM it.</summary>
    public BaseResult Base { get; private set; } = null!;
    private readonly List<FixtureBuild> _runs = [];

    public FixtureFleet() => Context = TestEngine.Context(RunIds.New(), new RunPaths(RepositoryRoot.Path, Output));

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await TestOsImage.EnsureAsync(Config); // the tests' one OS image, never a debootstrap of its own
        Index = await EmbeddedIndex.StartAsync(Config, [], Output, CancellationToken.None, preferredPort: 0);
        Base = await new FleetImageBuilder(Context).BuildBaseAsync(NewRun([], "0.9.0"), new BaseImageOptions(), Options, CancellationToken.None);
        Assert.True(Base.Succeeded, Base.Failure);
    }

    public async Task DisposeAsync()
    {
        await Engine.CleanupRunAsync(Context.RunId);
        foreach (var run in _runs)
        {
            // Template images carry no run label (it would defeat the cache): remove them by tag and id.
            await Engine.RemoveImagesAsync(run.Builds.SelectMany(t => t.Tags.Append(t.ImageId ?? "")).Where(r => r.Length > 0));
        }

        await Index.DisposeAsync();
        await Engine.DisposeAsync();
    }

    public FleetImageBuilder Builder => new(Context);

    public ImageBuildOptions Options => new();

    public FleetRun NewRun(IEnumerable<string> templates, string runtimeVersion) =>
        new(Config, FleetLoader.LoadTemplates(Config, templates), Pep440Version.Parse(runtimeVersion), Index.SimpleUrl.ToString())
        {
            DevelopmentPackages = true,
        };

    /// <summary>BuildImage of <paramref name="templates"/> FROM the fixture base, in a results store of its own.</summary>
    public async Task<FixtureBuild> BuildAsync(IEnumerable<string> templates, string runtimeVersion)
    {
        var build = new FixtureBuild(NewRun(templates, runtimeVersion), ResultStore.StartRun(Path.Combine(Output, "results", RunIds.New("build"))));
        _runs.Add(build);
        build.Results.Write(Base);
        await Builder.BuildFleetAsync(build.Run, build.Results, Options, CancellationToken.None);
        return build;
    }
}

/// <summary>One BuildImage over fixture templates: the run and its results.</summary>
public sealed record FixtureBuild(FleetRun Run, ResultStore Results)
{
    public BuildResult this[string template] => Results.Build(template) ?? throw new InvalidOperationException($"no build result for {template}");

    public IEnumerable<BuildResult> Builds => Run.Templates.Select(t => Results.Build(t.Name)).OfType<BuildResult>();
}

[CollectionDefinition(Name)]
public sealed class FixtureFleetCollection : ICollectionFixture<FixtureFleet>
{
    public const string Name = "fixture fleet";
}
