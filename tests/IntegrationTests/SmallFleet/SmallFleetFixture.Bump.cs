using System.Text.Json.Nodes;
using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.Host;
using TemplateFleet.IntegrationTests.Release;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.KeepCurrent;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;
using UnitTests.Forges;

namespace TemplateFleet.IntegrationTests.SmallFleet;

/// <summary>
/// The phases "bump repository" and "bump workflow": the generated bump workflow (three jobs: base, templates, pins)
/// run job by job from its YAML by <see cref="WorkflowHarness"/> on one runner (engine A), dispatched as the watch
/// does (inputs input, input_version, package_index) to move hermes' agent to <see cref="AgentVersion"/>, from the
/// pins the cascade left, against a Gitea fake of its own whose default branch holds those pins (as merged).
/// </summary>
public sealed partial class SmallFleetFixture
{
    public const string AgentPackage = "hermes-agent";
    public const string AgentVersionBefore = "0.4.0";
    /// <summary>The agent version the bump moves hermes to: served by an index of the bump's own, next to the fleet's.</summary>
    public const string AgentVersion = "0.4.1";

    /// <summary>A clone of the cascade's repository with its pins committed and hermes' policy taking a version at once.</summary>
    public string BumpRepository { get; private set; } = "";
    /// <summary>The pins as the bump started from them, by repository path.</summary>
    public IReadOnlyDictionary<string, string> PinsBeforeBump { get; private set; } = new Dictionary<string, string>();
    public FakeGitea BumpForge { get; private set; } = null!;
    public string BumpBranch => ProposalKey.Bump(SmallFleetRepository.Hermes, AgentVersion).Branch;
    public WorkflowRunResult BumpRun { get; private set; } = null!;
    /// <summary>The bump's forge after the run: its pull requests, the bump branch's files that differ from the default branch, its hermes pin.</summary>
    public IReadOnlyList<JsonObject> BumpPulls { get; private set; } = [];
    public IReadOnlyList<string> BumpBranchDiff { get; private set; } = [];
    public IReadOnlyDictionary<string, string?> BumpBranchFiles { get; private set; } = new Dictionary<string, string?>();
    public string? HermesDigestServedAfterBump { get; private set; }
    /// <summary>The run's secrets (registry password, forge token, signing key and its password): none may reach a log.</summary>
    public IReadOnlyList<string> BumpSecrets { get; private set; } = [];

    EmbeddedIndex? bumpIndex;

    async Task BumpRepositoryAsync()
    {
        var parent = Path.Combine(Scratch, "bump");
        Directory.CreateDirectory(parent);
        BumpRepository = Path.Combine(parent, Path.GetFileName(Root));
        await Git.RunAsync(parent, "clone", "--quiet", Root, BumpRepository);
        PinsBeforeBump = Directory.GetFiles(Path.Combine(Root, "templates"), PinFile.FileName, SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Root, f).Replace('\\', '/'), File.ReadAllText);
        foreach (var (path, text) in PinsBeforeBump)
            await File.WriteAllTextAsync(Path.Combine(BumpRepository, path), text);

        // The embedded index gives no upload time, which a minimum release age counts as too young: hermes' policy
        // (its data, template.yaml agent.policy) takes a version at once, as fleet.yaml's runtime policy does.
        var hermes = Path.Combine(BumpRepository, "templates", SmallFleetRepository.Hermes, "template.yaml");
        var yaml = await File.ReadAllTextAsync(hermes);
        var withPolicy = yaml.Replace("  command: hermes\n", "  command: hermes\n  policy:\n    minimumReleaseAge: 0\n", StringComparison.Ordinal);
        if (withPolicy == yaml)
            throw new InvalidOperationException($"{hermes}: no `  command: hermes` line under agent to add its policy after");
        await File.WriteAllTextAsync(hermes, withPolicy);
        await Git.CommitAsync(BumpRepository, "the cascade's pins merged; hermes' agent policy takes a version at once");

        // Upstream: the fleet's index plus hermes-agent's next version (the runtime at the cascade's version too).
        var config = FleetLoader.LoadFleet(BumpRepository);
        var upstream = config with
        {
            Packages = [.. config.Packages.Select(p => p.Name == AgentPackage ? p with { Versions = [.. p.Versions, AgentVersion] } : p)],
        };
        bumpIndex = await EmbeddedIndex.StartAsync(upstream, [Version], Path.Combine(Scratch, "bump-index"), CancellationToken.None, preferredPort: 0);

        // The forge's default branch holds what the repository holds of the fleet's data: pins, template.yaml, locks.
        var files = new Dictionary<string, string>(PinsBeforeBump);
        foreach (var template in FleetLoader.LoadTemplates(config, config.TemplateNames))
        {
            foreach (var path in AgentLock.RepositoryFilesOf(template).Append($"templates/{template.Name}/template.yaml"))
                files[path] = await File.ReadAllTextAsync(Path.Combine(BumpRepository, path));
        }
        BumpForge = new FakeGitea("1.24.3", files);
    }

    async Task BumpWorkflowAsync()
    {
        var context = new WorkflowContext();
        context.Vars["REGISTRY"] = Registry.Address;
        context.Vars["REGISTRY_USERNAME"] = Username;
        context.Secrets["REGISTRY_PASSWORD"] = Password;
        context.Secrets["FORGE_TOKEN"] = BumpForge.Tokens.Bot;
        // A run in Actions spans runners, so it signs with the one key it is given: the development key the cascade
        // signed the base pin with (its checkout's), as a release's secrets would hold it.
        var tools = await RepositoryCopy.SupplyChainToolsAsync();
        var key = await tools.SigningKeys().DevelopmentAsync(SupplyChainTools.DevelopmentKey(RunPaths.ForRepository(Root)), CancellationToken.None);
        context.Secrets["SIGNING_KEY"] = await File.ReadAllTextAsync(key.PrivateKey);
        context.Secrets["SIGNING_KEY_PASSWORD"] = key.Password;
        context.Vars["SIGNING_PUBLIC_KEY"] = key.PublicKeyPem;
        context.Github["api_url"] = BumpForge.ApiUrl.ToString();
        context.Github["repository"] = $"{GitBackedForge.Owner}/{GitBackedForge.Repo}";
        // As Watch dispatches it.
        context.Github["event.inputs.input"] = SmallFleetRepository.Hermes;
        context.Github["event.inputs.input_version"] = AgentVersion;
        context.Github["event.inputs.package_index"] = bumpIndex!.SimpleUrl.ToString();
        BumpSecrets = [.. context.Secrets.Values];
        var workflow = WorkflowGenerator.Generate<Build>(BumpRepository)[".gitea/workflows/bump.yml"];
        var runner = new WorkflowRunner("A", TestEngine.Engine.Endpoint);
        var harness = new WorkflowHarness(workflow, BumpRepository, Path.Combine(Scratch, "bump-runs"), (_, _) => runner, context)
        {
            // The runner's cache: the compiled build (the cascade compiled it in this checkout).
            CacheSource = RepositoryRoot.Path,
            CachedPaths = [".nuke/temp/bin", ".nuke/temp/build.stamp"],
        };
        Phases.LogOf("bump workflow", () => BumpRun is null ? "" : string.Join("\n", BumpRun.Jobs.Select(j => $"{j}\n{BuildScript.Tail(j.Output, 30)}")));
        BumpRun = await harness.RunAsync("bump", CancellationToken.None);

        BumpPulls = BumpForge.Pulls;
        if (BumpForge.BranchSha(BumpBranch) is { } head)
        {
            BumpBranchDiff = [.. BumpForge.BranchDiff(BumpBranch).Order(StringComparer.Ordinal)];
            BumpBranchFiles = BumpBranchDiff.ToDictionary(p => p, p => BumpForge.Git.ReadFile(head, p));
        }
        HermesDigestServedAfterBump = await ReadServedDigestAsync(SmallFleetRepository.Hermes);
    }
}
