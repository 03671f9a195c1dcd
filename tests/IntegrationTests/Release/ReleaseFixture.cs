using System.Diagnostics;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using TemplateFleet.Forges;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using UnitTests.Forges;

namespace TemplateFleet.IntegrationTests.Release;

[CollectionDefinition(Name)]
[StartsEarly(1)]
public sealed class ReleaseCollection : ICollectionFixture<ReleaseFixture>
{
    public const string Name = "release";
}

/// <summary>
/// ONE release across two runners (issue 8), run once and recorded phase by phase (tests/IntegrationTests/README.md):
/// the generated publish workflow run job by job by <see cref="WorkflowHarness"/> (commands, environment and needs
/// from the YAML alone) over <see cref="ReleaseRunners"/>: engine A (the host's, 20.10) and engine B (26.1.5 with the
/// containerd image store, empty at the start), one registry, the Gitea fake, the
/// release's signing key.
/// <list type="bullet">
/// <item>"engine A's layer cache", beside the set-up: <see cref="FleetOnEngineA"/>, whose CA bundle the runners' machine
/// then has as SSL_CERT_FILE, so the jobs on A find the fleet's layers in A's cache;</item>
/// <item>"release": the base job, codex, openclaw and hermes on A, claude-code on B from the base A published
/// (pulled by digest), the pins job on A; the runners work side by side;</item>
/// <item>"pins job re-run", "merge" (the pull request merged), then side by side "VerifyPins" (the pins verified as
/// merged) and "no-op release" (nothing changed since) followed by "partial release" (hermes changes, codex changes
/// and fails Smoke, openclaw's job is killed midway, all three on A from its cache; claude-code is unchanged, on B);</item>
/// <item>"faults", in a repository of its own, beside the phases after the release: a base that does not build, a
/// base the registry lacks, a pins job with nothing to collect.</item>
/// </list>
/// Each phase keeps what its facts read (the forge moves on in later phases).
/// </summary>
public sealed class ReleaseFixture : IAsyncLifetime
{
    public static readonly string[] Fleet = ["claude-code", "codex", "hermes", "openclaw"];
    /// <summary>The templates the first run builds on engine B, from the base A built and published (pulled by digest);
    /// the base and the rest are built on A, whose layer cache holds them from the last run. claude-code: an npm agent
    /// tree, the kind no other test builds on the containerd store (hermes' is the small fleet's, SecondEngineTests).
    /// One cold template on B keeps its chain as long as A's three warm ones.</summary>
    public static readonly string[] OnB = ["claude-code"];
    public static readonly string[] PinFiles = ["templates/base/pin.json", .. Fleet.Select(t => $"templates/{t}/pin.json")];

    public FixturePhases Phases { get; } = new(nameof(ReleaseFixture));
    public ReleaseRunners Runners { get; } = new();
    public FakeGitea Forge => Runners.Forge;
    public string Repository { get; private set; } = "";
    public int PullsAtStart { get; private set; }

    // "release"
    public WorkflowRunResult First { get; private set; } = null!;
    /// <summary>References engine B pulled during the first run (its event stream, watched from before the run).</summary>
    public IReadOnlyList<string> PulledOnB { get; private set; } = [];
    public PinnedImage? BaseImage { get; private set; }
    public string Branch { get; private set; } = "";
    public int PullsAfterFirst { get; private set; }
    public JsonObject? Pull { get; private set; }
    public IReadOnlyList<string> DiffAfterFirst { get; private set; } = [];
    /// <summary>The digest the registry served under each template's 1.0.0 tag right after the release.</summary>
    public IReadOnlyDictionary<string, string?> ServedAfterFirst { get; private set; } = new Dictionary<string, string?>();
    public string? HeadAfterFirst { get; private set; }
    /// <summary>The image ids engine B holds under each tag after the first run.</summary>
    public IReadOnlyDictionary<string, string> TagsOnB { get; private set; } = new Dictionary<string, string>();

    // "pins job re-run"
    public JobRun PinsRerun { get; private set; } = null!;
    public int PullsAfterRerun { get; private set; }
    public string? HeadAfterRerun { get; private set; }

    // "merge", "VerifyPins"
    public string Merged { get; private set; } = "";
    public BuildRun VerifyMerged { get; private set; } = null!;

    // "no-op release"
    public WorkflowRunResult Second { get; private set; } = null!;
    public int PullsAfterSecond { get; private set; }

    // "partial release"
    public WorkflowRunResult Third { get; private set; } = null!;
    public bool OpenclawKilled { get; private set; }
    public string ThirdBranch { get; private set; } = "";
    public int PullsAfterThird { get; private set; }
    public IReadOnlyList<string> DiffAfterThird { get; private set; } = [];
    public string ThirdBody { get; private set; } = "";
    public string? ThirdHermesPin { get; private set; }

    // "faults"
    public WorkflowRunResult BaseFails { get; private set; } = null!;
    public WorkflowRunResult MissingBase { get; private set; } = null!;
    public string MissingReference { get; private set; } = "";
    public WorkflowRunResult NoResults { get; private set; } = null!;
    public int PullsBeforeFaults { get; private set; }
    public IReadOnlyList<int> PullsAfterEachFault { get; private set; } = [];

    WorkflowHarness harness = null!;

    public async Task InitializeAsync()
    {
        // Beside the set-up: engine A's layer cache gets the fleet (FleetOnEngineA), once for this fixture and the real
        // fleet, so the jobs on A build from it instead of beside the real fleet's own cold builds. Only time depends on
        // it: when it fails, the runners keep the machine's CA bundle and build cold (the real fleet's facts report it).
        await Task.WhenAll(
            Phases.RunAsync("set-up", async () =>
            {
                await Runners.InitializeAsync();
                Repository = await Runners.NewRepositoryAsync("release");
            }),
            Phases.RunAsync("engine A's layer cache", async () =>
            {
                await FleetOnEngineA.EnsureAsync();
                Runners.Machine = FleetOnEngineA.RunnerMachine;
            }));
        await Phases.RunAsync("release", ReleaseAsync, "set-up");
        // What follows the release, side by side with the faults (a repository of their own; after the release, so
        // engine B's layer cache makes the failing base fail in seconds).
        await Task.WhenAll(AfterTheReleaseAsync(), Phases.RunAsync("faults", FaultsAsync, "set-up"));
    }

    async Task AfterTheReleaseAsync()
    {
        await Phases.RunAsync("pins job re-run", RerunPinsAsync, "release");
        await Phases.RunAsync("merge", MergeAsync, "release");
        await Task.WhenAll(
            Phases.RunAsync("VerifyPins", VerifyAsync, "merge"),
            Phases.RunAsync("no-op release", NoOpAsync, "merge").ContinueWith(_ => Phases.RunAsync("partial release", PartialAsync, "merge")).Unwrap());
    }

    async Task ReleaseAsync()
    {
        var ct = CancellationToken.None;
        harness = Runners.Harness(Repository, Path.Combine(Runners.Scratch, "release-runs"),
            (job, matrix) => OnB.Contains(matrix) ? Runners.B : Runners.A);
        PullsAtStart = Forge.Pulls.Count;
        // Engine B's pull events, watched from before the run: an engine replays only its last 256 events, and the
        // builds and gates of one release make more than that.
        var pulls = new List<string>();
        using var watching = new CancellationTokenSource();
        var watch = WatchPullsAsync(pulls, watching.Token);
        try
        {
            First = await harness.RunAsync("first", ct);
        }
        finally
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct); // the last events reach the stream
            await watching.CancelAsync();
            await watch;
        }
        lock (pulls)
            PulledOnB = [.. pulls];
        PullsAfterFirst = Forge.Pulls.Count;
        BaseImage = PinnedImage.Parse(First.Job("base").Outputs.GetValueOrDefault("base_image", ""));
        Branch = ProposalKey.Release((await Git.HeadAsync(Repository))[..12]).Branch;
        HeadAfterFirst = Forge.BranchSha(Branch);
        if (HeadAfterFirst is not null)
        {
            Pull = Forge.Pulls.LastOrDefault(p => p["head"]?["ref"]?.GetValue<string>() == Branch);
            DiffAfterFirst = [.. Forge.BranchDiff(Branch).Order()];
        }
        TagsOnB = await TagsOnAsync(Runners.EngineB.Docker);
        // What the registry serves under each template's tag now: the partial release later moves hermes' tag.
        var served = new Dictionary<string, string?>();
        foreach (var template in Fleet)
            served[template] = await ServedDigestAsync($"molecule-fleet/{template}", "1.0.0");
        ServedAfterFirst = served;
    }

    /// <summary>The pins job run again (a re-run of the job): the same pull request, the branch as it was.</summary>
    async Task RerunPinsAsync()
    {
        await harness.RunJobAsync(First, "pins", CancellationToken.None);
        PinsRerun = First.Job("pins");
        PullsAfterRerun = Forge.Pulls.Count;
        HeadAfterRerun = Forge.BranchSha(Branch);
    }

    /// <summary>The pull request is merged; the next push builds from the merge, pins included.</summary>
    async Task MergeAsync()
    {
        var number = Pull?["number"]?.GetValue<long>() ?? throw new InvalidOperationException($"the release opened no pull request on {Branch}");
        Forge.PersonMerges(number);
        foreach (var file in PinFiles)
            await File.WriteAllTextAsync(Path.Combine(Repository, file), Forge.Git.ReadFile(Forge.BaseSha, file) ?? throw new InvalidOperationException($"{file} is not in the merge"));
        await Git.CommitAsync(Repository, $"Merge pull request #{number}");
        Merged = await Git.HeadAsync(Repository);
    }

    /// <summary>The platform, before it deploys: the pins as merged, against the registry and the release's public key
    /// (in a clone of the merge: the repository moves on meanwhile).</summary>
    async Task VerifyAsync()
    {
        var clone = Path.Combine(Runners.Scratch, "verify", Path.GetFileName(Repository));
        Directory.CreateDirectory(Path.GetDirectoryName(clone)!);
        await Git.RunAsync(Path.GetDirectoryName(clone)!, "clone", "--quiet", Repository, clone);
        await Git.RunAsync(clone, "checkout", "--quiet", Merged);
        await RepositoryCopy.SupplyChainToolsAsync();
        VerifyMerged = await BuildScript.RunBuildAsync(Path.Combine(Runners.Scratch, "verify-pins.log"), clone,
            new Dictionary<string, string> { ["REGISTRY_PASSWORD"] = Runners.RegistryPassword, ["SIGNING_PUBLIC_KEY"] = Runners.SigningKey.PublicKeyPem },
            ["--root", clone, "VerifyPins", "--registry", Runners.Registry.Address, "--registry-username", ReleaseRunners.RegistryUser]);
    }

    /// <summary>Nothing changed since the merge: nothing is built or published, and no pull request opens.</summary>
    async Task NoOpAsync()
    {
        Second = await harness.RunAsync("second", CancellationToken.None);
        PullsAfterSecond = Forge.Pulls.Count;
    }

    /// <summary>hermes changes, codex changes and fails Smoke, openclaw's job is killed midway (a cancelled runner):
    /// all three on A; claude-code is unchanged (on B, where it finds its pin's image and builds nothing).</summary>
    async Task PartialAsync()
    {
        await File.AppendAllTextAsync(Path.Combine(Repository, "templates", "hermes", "config.yaml"), "# release test: a change\n");
        await File.AppendAllTextAsync(Path.Combine(Repository, "templates", "codex", "config.yaml"), "# release test: a change\n");
        var codexYaml = Path.Combine(Repository, "templates", "codex", "template.yaml");
        var good = await File.ReadAllTextAsync(codexYaml);
        var broken = good.Replace("'^codex-cli ${AGENT_VERSION}$'", "'^codex-cli 9.9.9$'", StringComparison.Ordinal);
        if (broken == good)
            throw new InvalidOperationException($"{codexYaml}: no cli-version check '^codex-cli ${{AGENT_VERSION}}$' to break");
        await File.WriteAllTextAsync(codexYaml, broken);
        await File.AppendAllTextAsync(Path.Combine(Repository, "templates", "openclaw", "config.yaml"), "# release test: a change\n");
        await Git.CommitAsync(Repository, "hermes, codex and openclaw change; codex's check cannot pass");

        // The changed templates on A, which built them in the release: their rebuilds come from its cache and their
        // faults in seconds. A second build on B proved nothing the release's first one on B does not (its pin digest
        // is B's image id: Engine_B_builds_gates_and_publishes_claude_code_on_the_containerd_store) and cost about two
        // minutes of the suite (B's TemplateTests and a cold supply chain); no test builds codex or openclaw on the
        // containerd store (the mapping table of issue 18's note says so and why).
        var partial = Runners.Harness(Repository, Path.Combine(Runners.Scratch, "release-runs"),
            (job, matrix) => OnB.Contains(matrix) ? Runners.B : Runners.A);
        partial.DuringRunStep = (job, matrix, checkout, process) => job == "templates" && matrix == "openclaw"
            ? KillWhenAsync(process, Path.Combine(checkout, "output", "results", "build", "openclaw.json"), () => OpenclawKilled = true)
            : Task.CompletedTask;
        Third = await partial.RunAsync("third", CancellationToken.None);
        ThirdBranch = ProposalKey.Release((await Git.HeadAsync(Repository))[..12]).Branch;
        PullsAfterThird = Forge.Pulls.Count;
        if (Forge.BranchSha(ThirdBranch) is { } head)
        {
            DiffAfterThird = [.. Forge.BranchDiff(ThirdBranch).Order()];
            ThirdBody = Forge.Pulls.LastOrDefault(p => p["head"]?["ref"]?.GetValue<string>() == ThirdBranch)?["body"]?.GetValue<string>() ?? "";
            ThirdHermesPin = Forge.Git.ReadFile(head, "templates/hermes/pin.json");
        }
    }

    async Task FaultsAsync()
    {
        var ct = CancellationToken.None;
        var repository = await Runners.NewRepositoryAsync("faults");
        var dockerfile = Path.Combine(repository, "templates", "base", "Dockerfile");
        var text = await File.ReadAllTextAsync(dockerfile, ct);
        var failing = text.Replace("WORKDIR /app", "RUN echo 'release test: a base that does not build' >&2 && exit 3\nWORKDIR /app", StringComparison.Ordinal);
        if (failing == text)
            throw new InvalidOperationException($"{dockerfile}: no `WORKDIR /app` to put a failing step before");
        await File.WriteAllTextAsync(dockerfile, failing, ct);
        await Git.CommitAsync(repository, "a base that does not build");
        var faults = Runners.Harness(repository, Path.Combine(Runners.Scratch, "fault-runs"),
            (job, matrix) => OnB.Contains(matrix) ? Runners.B : Runners.A);
        PullsBeforeFaults = Forge.Pulls.Count;
        var after = new List<int>();

        // The base job fails: no template job runs, the pins job says there is nothing to propose.
        BaseFails = await faults.RunAsync("base-fails", ct);
        after.Add(Forge.Pulls.Count);

        // A template job given a base digest the registry does not hold fails at once, naming it.
        MissingReference = $"{Runners.Registry.Address}/molecule-fleet/base@sha256:{new string('0', 64)}";
        MissingBase = new WorkflowRunResult("missing-base", Path.Combine(Runners.Scratch, "fault-runs", "missing-base", "artifacts"));
        MissingBase.Add(new JobRun("base", null, JobConclusion.Success, new Dictionary<string, string> { ["base_image"] = MissingReference, ["runtime_version"] = "1.0.0" }, "", "", null, TimeSpan.Zero));
        await faults.RunJobAsync(MissingBase, "templates", ct, only: ["codex"]);
        after.Add(Forge.Pulls.Count);

        // A pins job with no results.
        NoResults = new WorkflowRunResult("no-results", Path.Combine(Runners.Scratch, "fault-runs", "no-results", "artifacts"));
        Directory.CreateDirectory(NoResults.Artifacts);
        await faults.RunJobAsync(NoResults, "pins", ct);
        after.Add(Forge.Pulls.Count);
        PullsAfterEachFault = after;
    }

    /// <summary>SIGKILL to the job's whole process tree once <paramref name="file"/> exists.</summary>
    static async Task KillWhenAsync(Process process, string file, Action killed)
    {
        while (!process.HasExited)
        {
            if (File.Exists(file))
            {
                process.Kill(entireProcessTree: true);
                killed();
                return;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Collects the references engine B pulls until <paramref name="stop"/> is cancelled.</summary>
    async Task WatchPullsAsync(List<string> into, CancellationToken stop)
    {
        try
        {
            await Runners.EngineB.Docker.System.MonitorEventsAsync(new ContainerEventsParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["event"] = new Dictionary<string, bool> { ["pull"] = true } },
            }, new Collect(into), stop);
        }
        catch (OperationCanceledException)
        {
            // stopped on purpose: what came is what there is
        }
    }

    /// <summary>Synchronous, so no event is added after the call returned (Progress&lt;T&gt; posts to the thread pool).</summary>
    sealed class Collect(List<string> into) : IProgress<Message>
    {
        public void Report(Message value)
        {
            lock (into)
                into.Add(value.Actor?.ID ?? "");
        }
    }

    static async Task<IReadOnlyDictionary<string, string>> TagsOnAsync(Docker.DotNet.IDockerClient docker)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var image in await docker.Images.ListImagesAsync(new ImagesListParameters { All = true }))
            foreach (var tag in image.RepoTags ?? [])
                tags[tag] = image.ID;
        return tags;
    }

    public async Task<string?> ServedDigestAsync(string repository, string tag)
    {
        using var client = new RegistryClient(RegistryHost.Parse(Runners.Registry.Address), ReleaseRunners.RegistryUser, Runners.RegistryPassword);
        return await client.GetManifestDigestAsync(repository, tag, CancellationToken.None);
    }

    public Task DisposeAsync() => Runners.DisposeAsync();
}
