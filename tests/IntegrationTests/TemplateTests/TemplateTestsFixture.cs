using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Results;

namespace IntegrationTests.TemplateTests;

/// <summary>
/// A copy of TemplateTests/FixtureRepo with two variants derived from its one template: <c>no-config</c>, whose
/// Dockerfile stops copying the registry beside the adapter, and <c>broken-adapter</c>, whose adapter renders the
/// wrong configuration. The base and the three templates are built once with the product's builders; TemplateTests
/// runs over them once. The facts only assert.
/// </summary>
public sealed class TemplateTestsFixture : IAsyncLifetime
{
    public const string Healthy = "adapter", NoConfig = "no-config", BrokenAdapter = "broken-adapter";
    static readonly string Source = RepositoryRoot.Combine("tests", "IntegrationTests", "TemplateTests", "FixtureRepo");

    readonly string scratch = Directory.CreateTempSubdirectory("template-tests-it-").FullName;
    readonly EngineFixture engine = new();
    readonly List<string> images = [];

    public string Root => Path.Combine(scratch, "repo");
    public string Output => Path.Combine(scratch, "output");
    public RunContext Context { get; private set; } = null!;
    public EmbeddedIndex Index { get; private set; } = null!;
    public FleetRun Run { get; private set; } = null!;
    public ResultStore Results { get; private set; } = null!;
    /// <summary>What the gate threw (its failure names every failed template and test); null when it passed.</summary>
    public FleetException? Failure { get; private set; }
    /// <summary>Each template's image id before TemplateTests ran.</summary>
    public IReadOnlyDictionary<string, string> ImagesBefore { get; private set; } = null!;
    public string Templates(string name) => Path.Combine(Root, "templates", name);

    public async Task InitializeAsync()
    {
        await engine.InitializeAsync();
        UnitTests.TreeCopy.Copy(Source, Root);
        // The fixture names the fleet's own runtime, contract and test tooling relative to its place in the checkout.
        var fleetYaml = Path.Combine(Root, "templates", FleetLoader.FleetFileName);
        File.WriteAllText(fleetYaml, File.ReadAllText(fleetYaml).Replace("../../../../../", RepositoryRoot.Path + "/", StringComparison.Ordinal)
            .Replace("templates: [adapter]", $"templates: [{Healthy}, {NoConfig}, {BrokenAdapter}]", StringComparison.Ordinal));
        UnitTests.TreeCopy.Copy(Templates(Healthy), Templates(NoConfig));
        Edit(Path.Combine(Templates(NoConfig), "Dockerfile"), "COPY adapter.py config.json /app/", "COPY adapter.py /app/");
        UnitTests.TreeCopy.Copy(Templates(Healthy), Templates(BrokenAdapter));
        Edit(Path.Combine(Templates(BrokenAdapter), "adapter.py"), "json.dumps({\"model\": model})", "json.dumps({\"model\": model.upper()})");

        var config = FleetLoader.LoadFleet(Root);
        Context = TestEngine.Context(RunIds.New("template-tests"), new RunPaths(Root, Output));
        Index = await EmbeddedIndex.StartAsync(config, [], Output, CancellationToken.None, preferredPort: 0);
        Run = new FleetRun(config, FleetLoader.LoadTemplates(config, config.TemplateNames), Pep440Version.Parse("1.0.0"), Index.SimpleUrl.ToString())
        {
            DevelopmentPackages = true,
        };
        Results = await BuildAsync("results");
        ImagesBefore = Run.Templates.ToDictionary(t => t.Name, t => Results.Build(t.Name)!.ImageId!);
        try
        {
            await TemplateTestGate.RunAsync(Context, Run, Results, new GateOptions { Parallelism = 2, ReportsDirectory = Path.Combine(Output, "reports") }, CancellationToken.None);
        }
        catch (FleetException e)
        {
            Failure = e;
        }
    }

    /// <summary>BuildBase and BuildImage of the whole fixture fleet, with the product's builders, into a results store of its own.</summary>
    public async Task<ResultStore> BuildAsync(string name)
    {
        var results = ResultStore.StartRun(Path.Combine(Output, name));
        var @base = await new BaseImageProvider(Context).EnsureAsync(Run, new BaseImageOptions(), new ImageBuildOptions(), CancellationToken.None);
        Assert.True(@base.Succeeded, @base.Failure);
        results.Write(@base);
        var built = await new FleetImageBuilder(Context).BuildFleetAsync(Run, results, new ImageBuildOptions(), CancellationToken.None);
        Assert.All(built, b => Assert.True(b.Succeeded, b.Failure));
        images.AddRange(built.SelectMany(b => b.Tags));
        return results;
    }

    public GateResult? Tested(string template) => Results.Gate(TemplateTestGate.Gate, template);

    public static void Edit(string file, string from, string to)
    {
        var text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to, StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await engine.CleanupRunAsync(Context.RunId);
        // Template images carry no run label (it would defeat the cache): removed by tag. The base and the test
        // tooling stay cached for the next run, as a build leaves them.
        await engine.RemoveImagesAsync(images);
        await Index.DisposeAsync();
        Directory.Delete(scratch, recursive: true);
    }
}
