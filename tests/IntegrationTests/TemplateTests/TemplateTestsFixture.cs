using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Publishing;
using TemplateFleet.Results;

namespace IntegrationTests.TemplateTests;

/// <summary>
/// A copy of TemplateTests/FixtureRepo with two variants derived from its one template: <c>no-config</c>, whose
/// Dockerfile stops copying the registry beside the adapter, and <c>broken-adapter</c>, whose adapter renders the
/// wrong configuration, built with the product's builders, in phases (tests/IntegrationTests/README.md): "build" (the
/// base and the three templates), "template tests" (TemplateTests over them, once), "publish" (Publish over what the
/// gate recorded, towards a registry nobody listens on), "test-only edit" (a test of the healthy template edited and
/// one added, then BuildImage again). The facts only assert.
/// </summary>
public sealed class TemplateTestsFixture : IAsyncLifetime
{
    public const string Healthy = "adapter", NoConfig = "no-config", BrokenAdapter = "broken-adapter";
    static readonly string Source = RepositoryRoot.Combine("tests", "IntegrationTests", "TemplateTests", "FixtureRepo");

    readonly string scratch = Directory.CreateTempSubdirectory("template-tests-it-").FullName;
    readonly EngineFixture engine = new();
    readonly List<string> images = [];

    public FixturePhases Phases { get; } = new(nameof(TemplateTestsFixture));
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
    /// <summary>What Publish did with each template after the gate.</summary>
    public IReadOnlyList<PublishResult> Published { get; private set; } = [];
    /// <summary>The healthy template's inputs address before the test-only edit, and the rebuild's results after it.</summary>
    public string? InputsBeforeTheEdit { get; private set; }
    public ResultStore AfterTheEdit { get; private set; } = null!;
    public string Templates(string name) => Path.Combine(Root, "templates", name);

    public async Task InitializeAsync()
    {
        await Phases.RunAsync("build", BuildFixtureFleetAsync);
        await Phases.RunAsync("template tests", async () =>
        {
            try
            {
                await TemplateTestGate.RunAsync(Context, Run, Results, new GateOptions { Parallelism = 2, ReportsDirectory = Path.Combine(Output, "reports") }, CancellationToken.None);
            }
            catch (FleetException e)
            {
                Failure = e; // two of the three templates fail by design: the failure is what the facts read
            }
        }, "build");
        // Nothing listens on the registry's port: a push would fail the template (Failed), a refusal never gets there.
        await Phases.RunAsync("publish", async () => Published = await new Publisher(Context).PublishAsync(Run, Results,
            new PublishOptions(new TemplateFleet.Registry.RegistryCredentials("127.0.0.1:9"), FailOnError: false), CancellationToken.None), "template tests");
        await Phases.RunAsync("test-only edit", async () =>
        {
            InputsBeforeTheEdit = Results.Build(Healthy)!.Inputs;
            var tests = Path.Combine(Templates(Healthy), "tests");
            Edit(Path.Combine(tests, "test_adapter.py"), "def test_no_network_but_loopback():", "def test_no_network_but_loopback():  # edited");
            await File.WriteAllTextAsync(Path.Combine(tests, "test_more.py"), "def test_more():\n    assert True\n");
            AfterTheEdit = await BuildAsync("results-after-a-test-edit");
        }, "template tests");
    }

    async Task BuildFixtureFleetAsync()
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
        await TestOsImage.EnsureAsync(config); // the tests' one OS image, never a debootstrap of its own
        Context = TestEngine.Context(RunIds.New("template-tests"), new RunPaths(Root, Output));
        Index = await EmbeddedIndex.StartAsync(config, [], Output, CancellationToken.None, preferredPort: 0);
        Run = new FleetRun(config, FleetLoader.LoadTemplates(config, config.TemplateNames), Pep440Version.Parse("1.0.0"), Index.SimpleUrl.ToString())
        {
            DevelopmentPackages = true,
        };
        Results = await BuildAsync("results");
        ImagesBefore = Run.Templates.ToDictionary(t => t.Name, t => Results.Build(t.Name)!.ImageId!);
    }

    /// <summary>BuildBase and BuildImage of the whole fixture fleet, with the product's builders, into a results store of its own.</summary>
    public async Task<ResultStore> BuildAsync(string name)
    {
        var results = ResultStore.StartRun(Path.Combine(Output, name));
        var @base = await new FleetImageBuilder(Context).BuildBaseAsync(Run, new BaseImageOptions(), new ImageBuildOptions(), CancellationToken.None);
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
        if (Context is not null)
            await engine.CleanupRunAsync(Context.RunId);
        // Template images carry no run label (it would defeat the cache): removed by tag. The base and the test
        // tooling stay cached for the next run, as a build leaves them.
        await engine.RemoveImagesAsync(images);
        if (Index is not null)
            await Index.DisposeAsync();
        Directory.Delete(scratch, recursive: true);
    }
}
