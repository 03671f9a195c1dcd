using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Results;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.RealFleet;

[CollectionDefinition(Name)]
[StartsEarly(3)]
public sealed class RealFleetCollection : ICollectionFixture<RealFleetFixture>
{
    public const string Name = "real fleet";
}

/// <summary>
/// The repository's own fleet at one runtime version on engine A, built once for every test that needs a real
/// template image, in phases (tests/IntegrationTests/README.md):
/// <list type="bullet">
/// <item>"fleet": the README's main command with every gate, `./build.sh TemplateTests Smoke T4Conformance
/// --runtime-version 1.0.0`, in a copy of the repository, with a build CA bundle of the network's certificates and the tests' own CA
/// (RealFleet/test-network-ca.pem, fixed so warm runs stay warm): base + four templates, the three gates, reports. Its
/// images come from engine A's layer cache, which <see cref="FleetOnEngineA"/> fills once for it and the release;</item>
/// <item>"base trusting the CA at run time": the same base with --trust-ca-bundle-at-runtime (only its last stage
/// differs, the rest comes from the cache);</item>
/// <item>"codex SBOMs": the real trivy, in a network namespace of its own, over the fleet's codex image.</item>
/// </list>
/// </summary>
public sealed class RealFleetFixture : IAsyncLifetime
{
    public const string RuntimeVersion = FleetOnEngineA.RuntimeVersion;
    public static readonly string[] Templates = ["claude-code", "codex", "hermes", "openclaw"];

    public FixturePhases Phases { get; } = new(nameof(RealFleetFixture));
    public string Scratch { get; } = RepositoryRoot.Combine("output", "tests", RunIds.New("fleet"));
    public string RunId { get; } = RunIds.New("fleet");
    /// <summary>The copy of the repository the fleet is built in.</summary>
    public string Root { get; private set; } = "";
    /// <summary>The tests' own CA, in the build CA bundle besides the network's.</summary>
    public TestCa Ca => FleetOnEngineA.Ca;
    public BuildRun Fleet { get; private set; } = null!;
    /// <summary>Each template's image id under every tag it got, read after the run (TemplateTests included) ended.</summary>
    public IReadOnlyDictionary<string, (string Tag, string Id)[]> ImagesAfterTheRun { get; private set; } = new Dictionary<string, (string Tag, string Id)[]>();
    /// <summary>What the fleet's stages recorded (base, builds, gates).</summary>
    public ResultStore Results => ResultStore.Open(Path.Combine(Root, "output", "results"));
    public string Reports => Path.Combine(Root, "output", "reports");
    /// <summary>The fleet's base: the extra CA trusted while building only (the default).</summary>
    public (string Id, ImageInspectResponse Image) BuildOnlyBase { get; private set; }
    /// <summary>The same base built with --trust-ca-bundle-at-runtime.</summary>
    public (string Id, ImageInspectResponse Image) RunTimeBase { get; private set; }
    public ImageScan CodexScan { get; private set; } = null!;
    public SecretScanResult CodexSecrets { get; private set; } = null!;
    public SbomSet CodexSboms { get; private set; } = null!;

    static string Bundle => FleetOnEngineA.CaBundle;

    public async Task InitializeAsync()
    {
        Phases.LogOf("fleet", () => Fleet?.Output ?? "");
        await Phases.RunAsync("fleet", BuildFleetAsync);
        await Phases.RunAsync("base trusting the CA at run time", BuildRunTimeBaseAsync, "fleet");
        await Phases.RunAsync("codex SBOMs", ScanCodexAsync, "fleet");
    }

    async Task BuildFleetAsync()
    {
        await FleetOnEngineA.EnsureAsync(); // the images' layers, shared with the release (the bundle is written there)
        Root = await RepositoryCopy.MakeAsync(Path.Combine(Scratch, "fleet"));
        Fleet = await BuildScript.RunBuildAsync(Path.Combine(Scratch, "fleet.log"), Root, null,
            ["--root", Root, "TemplateTests", "Smoke", "T4Conformance", "--runtime-version", RuntimeVersion, "--ca-bundle", Bundle]);
        var baseId = Results.Base?.ImageId ?? throw new InvalidOperationException($"the fleet's run recorded no base image\n{Fleet.Describe()}");
        BuildOnlyBase = (baseId, await TestEngine.Engine.Client.Images.InspectImageAsync(baseId));
        var after = new Dictionary<string, (string Tag, string Id)[]>();
        foreach (var template in Templates)
            if (Results.Build(template) is { Tags: var tags })
                after[template] = [.. await Task.WhenAll(tags.Select(async tag => (tag, (await TestEngine.Engine.Client.Images.InspectImageAsync(tag)).ID)))];
        ImagesAfterTheRun = after;
    }

    async Task BuildRunTimeBaseAsync()
    {
        var config = FleetLoader.LoadFleet(Root);
        var paths = new RunPaths(Root, Path.Combine(Scratch, "run-time-base"));
        // No template is built: the index URL is never used. No registry: the base is built here, never pulled.
        var run = new FleetRun(config, [], Pep440Version.Parse(RuntimeVersion), "http://127.0.0.1:9/simple/");
        var result = await new FleetImageBuilder(TestEngine.Context(RunId, paths)).BuildBaseAsync(run, new BaseImageOptions(),
            new ImageBuildOptions(CaBundle: Bundle) { TrustCaBundleAtRunTime = true }, CancellationToken.None);
        if (!result.Succeeded)
            throw new InvalidOperationException(result.Failure);
        RunTimeBase = (result.ImageId!, await TestEngine.Engine.Client.Images.InspectImageAsync(result.ImageId!));
    }

    async Task ScanCodexAsync()
    {
        var tools = await RepositoryCopy.SupplyChainToolsAsync();
        var paths = new RunPaths(RepositoryRoot.Path, Path.Combine(Scratch, "codex-sboms"));
        // trivy in a new, empty network namespace: a database download could not even be tried.
        var wrapper = Path.Combine(Scratch, "trivy-no-network");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec unshare --net -- '{tools.Trivy.Executable}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // No SBOM cache, so the SBOMs are made here and now (the layer caches may be warm).
        var offline = new TrivyCli(wrapper, "trivy without a network", SupplyChainTools.Folder(TestCache.Home, "trivy"));
        var codex = Results.Build("codex")?.ImageId ?? throw new InvalidOperationException("the fleet's run built no codex image");
        var scanner = new ImageScanner(TestEngine.Engine.Client, tools.Scanner(), tools.SecretCache(), offline,
            new SbomWriter(offline, paths.Sboms, SupplyChainTools.Scratch(paths)), SupplyChainTools.Scratch(paths));
        var suppressions = SecretSuppressions.Load(SecretSuppressions.PathIn(RepositoryRoot.Combine("templates")), RepositoryRoot.Path);
        var fleet = FleetLoader.LoadFleet(Root);
        CodexScan = await scanner.ScanAsync("codex", fleet.Images.RepositoryOf("codex"), codex, suppressions, new StepTimings(), CancellationToken.None);
        CodexSecrets = SecretScanResult.Of("codex", CodexScan.Findings, suppressions, ["layers", "image config"]);
        CodexSboms = CodexScan.Sboms;
    }

    /// <summary>Runs <paramref name="command"/> as root in <paramref name="image"/> (its entrypoint replaced); the container goes with it.</summary>
    public Task<string> RunAsRootAsync(string image, params string[] command) =>
        global::IntegrationTests.Gates.FixtureImages.Docker(["run", "--rm", "--label", $"{Labels.Run}={RunId}", "--user", "0", "--entrypoint", command[0], image, .. command[1..]]);

    public async Task DisposeAsync()
    {
        // The fleet's images stay (the next run's layer cache: the CA bundle is the same each run); only the run-time variant goes.
        if (RunTimeBase.Id is { } id)
        {
            try
            {
                await TestEngine.Engine.Client.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true });
            }
            catch (Docker.DotNet.DockerApiException)
            {
                // gone already
            }
        }
    }
}
