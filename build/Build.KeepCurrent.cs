using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.KeepCurrent;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using TemplateFleet.Results;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;
using PublishStatus = TemplateFleet.Results.PublishStatus;

namespace TemplateFleet;

// Keeping the fleet current (README "Keeping the fleet current"): every upstream input is data with a policy
// (fleet.yaml inputs, template.yaml agent.policy); Outdated reads each source through its own client and says what the
// policy allows; Bump moves one input to one version through every gate.
internal sealed partial class Build
{
    [Parameter("Bump: the upstream input to move (an agent by its template's name, node, npm, docker-cli, debian-security); ./build.sh Outdated lists them")]
    readonly string? Input;

    [Parameter("Bump: the version to move --input to; default: the newest its policy allows")]
    readonly string? InputVersion;

    /// <summary>The bump this run makes, settled (source read, policy applied) before any target runs.</summary>
    BumpRequest? bump;

    /// <summary>The pin files' text before the bump, by repository path (null: none): the base branch must still hold them when it proposes.</summary>
    IReadOnlyDictionary<string, string?> pinTextsBefore = new Dictionary<string, string?>();

    /// <summary>What the bump rebuilds, set once its data and lock are written: the templates, the base they build FROM, the runtime.</summary>
    BumpScope? bumpScope;

    Target PrepareBump => _ => _
        .Description("Bump's first step: write the input's new version into the data (template.yaml or fleet.yaml) and the agent's lock")
        .Unlisted()
        .Before(Restore)
        .Requires(ResolveBump)
        .Executes(PrepareBumpAsync);

    Target Bump => _ => _
        .Description("Move one upstream input to one version (--input, --input-version): data and lock, then rebuild what it reaches, every gate, the supply chain, Publish")
        .DependsOn(PrepareBump, Publish)
        .ProceedAfterFailure()
        .Executes(() => FinishBumpAsync([Results]));

    // The bump workflow's three jobs (docs/keeping-current.md): Bump's steps split as the release's are.
    Target BumpBase => _ => _
        .Description("The base job of the bump workflow: write the data and the lock (its artifact), publish the base when the input reaches it, else hand on the pinned base")
        .DependsOn(PrepareBump, PublishBase);

    Target ApplyBump => _ => _
        .Description("The bump workflow's template and pins jobs: write the data and the lock the base job wrote (output/jobs) into this checkout; a template the input does not reach is skipped")
        .Unlisted()
        .Before(Restore)
        .Requires(() => BumpInput())
        .Executes(ApplyBumpFiles);

    Target ProposeBump => _ => _
        .Description("The pins job of the bump workflow: collect what the jobs left (output/jobs) and open or update the bump's one pull request")
        .DependsOn(ApplyBump)
        .Requires(ResolveBump)
        .Executes(() =>
        {
            RecordPinsBefore();
            return FinishBumpAsync(CollectJobResults());
        });

    Target Lock => _ => _
        .Description("Write the selected templates' agent locks again from template.yaml (what Bump does after it moved a version); --templates narrows it")
        .Executes(async () =>
        {
            var config = FleetLoader.LoadFleet(RootDirectory);
            await using var sources = await OpenSourcesAsync(config, CancellationToken);
            var writer = new LockWriter(Path.Combine(Context.Paths.Output, "locks"), sources.IndexUrl, NpmEnvironment);
            foreach (var template in FleetLoader.LoadTemplates(config, TemplateSelection.Resolve(config, Templates)))
            {
                var locked = await writer.WriteAsync(template, CancellationToken);
                Log.Information("{Template}: {Package} {Version}, {Count} packages locked ({Files})", template.Name, template.Agent.Package, template.Agent.Version,
                    locked.Packages.Count, string.Join(", ", AgentLock.RepositoryFilesOf(template)));
            }
        });

    Target Outdated => _ => _
        .Description("Every upstream input: what the data and the pins hold, the newest version its policy allows, the newest seen, and why anything newer waits")
        .Executes(OutdatedAsync);

    /// <summary>PrepareBump's precondition: the input and version, or a usage error; nothing to move skips the whole run.</summary>
    void ResolveBump()
    {
        var name = InputName;
        var config = FleetLoader.LoadFleet(RootDirectory);
        var templates = FleetLoader.LoadTemplates(config, config.TemplateNames);
        var inputs = UpstreamInputs.Of(config, templates);
        // Every other lock must already match its template.yaml (the bumped agent's is written again): found now, not after the data changed.
        try
        {
            foreach (var template in templates.Where(t => t.Name != name))
                AgentLock.Read(template);
        }
        catch (FleetException e)
        {
            throw new FleetUsageException(e.Message);
        }
        var input = UpstreamInputs.Named(inputs, name);
        bump = Task.Run(async () =>
        {
            await using var sources = await OpenSourcesAsync(config, CancellationToken, index: input.Source == InputSource.PackageIndex);
            return await new Outdated(sources.Sources, TimeProvider.System).ResolveBumpAsync(inputs, name, InputVersion is { Length: > 0 } v ? v : null, CancellationToken);
        }).GetAwaiter().GetResult();
        if (bump is null)
        {
            Log.Information("{Input} is at {Version}, the newest its policy allows (./build.sh Outdated says why anything newer waits): nothing to bump", input.Name, input.Current);
            SkipScheduled($"skipped: {input.Name} is current");
            return;
        }
        Log.Information("Bump {Subject} ({Source}, published {Published})", bump.Subject, bump.Input.Describe, Published(bump));
        if (ForgeGiven)
            PreflightForge(ProposalKey.Bump(bump.Input.Name, bump.Version));
        else
            Log.Information("No forge given (--forge-api-url): the bump opens no pull request");
    }

    string InputName => Input is { Length: > 0 } name ? name
        : throw new FleetUsageException("Bump needs --input: the upstream input to move (./build.sh Outdated lists them: a template's name for its agent, node, npm, docker-cli, debian-security).");

    /// <summary>--input, known to the fleet's data: ApplyBump's precondition (the base job read its source already).</summary>
    UpstreamInput BumpInput()
    {
        var name = InputName;
        var config = FleetLoader.LoadFleet(RootDirectory);
        return UpstreamInputs.Named(UpstreamInputs.Of(config, FleetLoader.LoadTemplates(config, config.TemplateNames)), name);
    }

    static string Published(BumpRequest request) =>
        request.Release.PublishedAt is { } at ? $"{at:yyyy-MM-dd HH:mm} UTC, {VersionPolicy.Age(DateTimeOffset.UtcNow - at)} ago" : "at no known time";

    async Task PrepareBumpAsync()
    {
        var request = bump!;
        var input = request.Input;
        RecordPinsBefore();
        if (proposer is not null)
            await proposer.MarkStartedAsync(ProposalKey.Bump(input.Name, request.Version), CancellationToken);
        if (!request.Relock)
        {
            DataEdit.Set(Path.Combine(RootDirectory, input.Data.File), input.Data.Keys, request.Version, input.Data.File);
            Log.Information("{File}: {Key} {Old} → {New}", input.Data.File, string.Join('.', input.Data.Keys), input.Current ?? "(none)", request.Version);
        }
        var config = FleetLoader.LoadFleet(RootDirectory);
        var changed = new List<string> { input.Data.File };
        if (input.Template is { } before)
        {
            var template = FleetLoader.LoadTemplate(config, before.Name);
            await using var sources = await OpenSourcesAsync(config, CancellationToken, index: template.Agent.Installer == AgentInstaller.Pip);
            var locked = await new LockWriter(Path.Combine(Context.Paths.Output, "locks"), sources.IndexUrl, NpmEnvironment).WriteAsync(template, CancellationToken);
            changed.AddRange(AgentLock.RepositoryFilesOf(template));
            Log.Information("{Template}: lock written, {Count} packages ({Files})", template.Name, locked.Packages.Count, string.Join(", ", AgentLock.RepositoryFilesOf(template)));
        }
        bumpScope = BumpScope.For(input, config, changed);
        if (bumpScope.RuntimeVersion is { } runtime)
            RequestedVersion = Pep440Version.Parse(runtime);
        Log.Information("{Subject} rebuilds {What}", request.Subject, bumpScope.Describe);
        ReportSummary(_ => _.AddPair("bump", request.Subject).AddPair("rebuilds", bumpScope.Describe));

        // The files as written, for the bump workflow's other jobs (the base job's artifact): every job builds the identical lock.
        var handed = Path.Combine(Context.Paths.Output, BumpFolder);
        if (Directory.Exists(handed))
            Directory.Delete(handed, recursive: true);
        foreach (var file in changed)
            CopyFile(RootDirectory, handed, file);
        if (Plans(nameof(BumpBase)) && bumpScope.BaseImage is { } pinned)
        {
            // The templates build FROM the pinned base at the pinned runtime: nothing of the base is built here.
            WriteOutput(nameof(BaseImage), pinned);
            if (bumpScope.RuntimeVersion is { } version)
                WriteOutput(nameof(RuntimeVersion), version);
            SkipScheduled($"skipped: {request.Subject} builds FROM the pinned base, handed on to the template jobs");
        }
    }

    /// <summary>The folder of output/ the base job of the bump workflow hands the data and the lock on in (its artifact base-bump).</summary>
    const string BumpFolder = "bump";

    static void CopyFile(string from, string to, string relative)
    {
        var target = Path.Combine(to, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(from, relative), target, overwrite: true);
    }

    /// <summary>ApplyBump: the base job's data and lock written over this checkout, and the templates of this job the input reaches.</summary>
    void ApplyBumpFiles()
    {
        var input = BumpInput();
        // The artifact's name is the generator's <job>-<last folder>.
        var folder = Path.Combine(Context.Paths.Jobs, "base-" + BumpFolder);
        if (!Directory.Exists(folder))
            throw new FleetException($"{Path.GetRelativePath(RootDirectory, folder)}: the base job's data and lock are not there: it stopped before writing them (see its log); nothing was built or proposed.");
        var changed = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        foreach (var file in changed)
            CopyFile(folder, RootDirectory, file);
        var scope = BumpScope.For(input, FleetLoader.LoadFleet(RootDirectory), changed);
        var reached = scope.Templates.Where(t => Templates.Length == 0 || Templates.Contains(t)).ToList();
        Log.Information("{Input}: {Files} from the base job; it rebuilds {What}", input.Name, string.Join(", ", changed), scope.Describe);
        bumpScope = scope with { Templates = reached };
        if (reached.Count == 0)
            SkipScheduled($"skipped: the bump of {input.Name} does not reach {string.Join(", ", Templates)}");
    }

    /// <summary>The pins as the run found them: "old → new" in the pull request, and each must still be on the base branch when it proposes.</summary>
    void RecordPinsBefore()
    {
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        pinsBefore = PinFile.ReadAll(fleet);
        pinTextsBefore = fleet.TemplateNames.Select(t => PinFile.PathFor(FleetLoader.LoadTemplate(fleet, t))).Append(PinFile.PathForBase(fleet))
            .ToDictionary(p => Path.GetRelativePath(RootDirectory, p).Replace('\\', '/'), p => File.Exists(p) ? File.ReadAllText(p) : null);
    }

    /// <summary>Bump's last step (its own results) and the bump workflow's pins job (every job's): one pull request, work in progress when anything failed.</summary>
    async Task FinishBumpAsync(IReadOnlyList<ResultStore> stores)
    {
        var scope = bumpScope ?? throw new FleetException($"Bump {bump!.Subject}: it stopped before the data and the lock were written (PrepareBump above); nothing was built or proposed.");
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        var release = stores.All(s => s.Run is null) ? null
            : ReleaseProposal.From(ProposalKind.Runtime, fleet, FleetLoader.LoadTemplates(fleet, scope.Templates), stores, pinsBefore ?? PinFile.ReadAll(fleet));
        var failed = release?.Templates.Where(t => t.Publish.Status is not (PublishStatus.Published or PublishStatus.Unchanged)).ToList();
        IReadOnlyList<string> failures = failed is null ? ["the run left no results (output/results): see its log"]
            : [.. new[] { release!.Base }.Where(b => b?.Status is PublishStatus.Failed or PublishStatus.NotPublished).Select(b => $"base: {b!.Reason}"), .. failed.SelectMany(BumpFailures)];
        var names = failed?.Select(t => t.Template) ?? scope.Templates;
        Log.Information("{Subject}: changed {Files}; {Outcome}", bump!.Subject, string.Join(", ", scope.ChangedFiles),
            failures.Count == 0 ? "every template it reaches passed the gates and was published" : $"not published: {string.Join(", ", names)}");
        ReportSummary(_ => _.AddPair("bump", failures.Count == 0 ? $"{bump.Subject}: gated and published" : $"{bump.Subject}: {names.Count()} failed"));
        if (proposer is not null)
        {
            // The bump's pull request: data and lock, and the pins when nothing failed; work in progress otherwise.
            var data = scope.ChangedFiles.Select(f => new PinFileChange(f, File.ReadAllText(Path.Combine(RootDirectory, f)))).ToList();
            var proposal = new BumpProposal(ProposalKey.Bump(bump.Input.Name, bump.Version), bump.Subject, bump.Input.Describe, Published(bump), release, data, failures)
            { PinsBefore = pinTextsBefore };
            var result = await proposer.ProposeAsync(proposal, CancellationToken);
            ReportSummary(_ => _.AddPair("pull request", $"{result.Outcome.ToString().ToLowerInvariant()} #{result.Number} {result.Url}{(proposal.WorkInProgress ? " (work in progress)" : "")}"));
        }
        if (failures.Count > 0)
            throw new FleetException($"Bump {bump.Subject}: {string.Join(", ", names)} did not pass every gate; the data and the lock are changed in the working tree{(proposer is null ? "" : " and in a work-in-progress pull request")}, the pins are not proposed.");
    }

    /// <summary>Why a template of the bump was not published, one line per failed check with its diagnostics.</summary>
    static IEnumerable<string> BumpFailures(ReleasedTemplate template)
    {
        yield return $"{template.Template}: {template.Publish.Reason}";
        foreach (var gate in new[] { template.Smoke, template.T4 }.OfType<GateResult>())
        {
            foreach (var check in gate.HardFailures)
                yield return $"{template.Template} {gate.Gate} {check.Id}: {check.Reason ?? check.Description}";
            if (gate.Error is { } error)
                yield return $"{template.Template} {gate.Gate}: {error.Split('\n')[0]}";
        }
    }

    /// <summary>The sources the inputs are read from; the package index is --package-index, else the embedded one while this lives.</summary>
    /// <param name="index">False: no input to read comes from the package index, so the embedded one is not started.</param>
    async Task<OpenSources> OpenSourcesAsync(FleetConfig config, CancellationToken ct, bool index = true)
    {
        EmbeddedIndex? embedded = null;
        var indexUrl = PackageIndex is { Length: > 0 } given ? given
            : index ? (embedded = await EmbeddedIndex.StartAsync(config, [], Context.Paths.Output, ct)).SimpleUrl.ToString()
            : null;
        // The same private apt state as the tool installer's (in the per-user cache, docs/tools.md), without needing its pins.
        var debian = new DebianArchive(Path.Combine(Cache.Tools, ".apt"));
        return new OpenSources(new UpstreamSources(new NpmRegistry(NpmEnvironment), indexUrl is null ? null : new PackageIndexReleases(SourcesHttp, indexUrl), debian), indexUrl, embedded);
    }

    /// <summary>npm's own settings from the build's environment (npm_config_registry and the like), for the npm it runs.</summary>
    IReadOnlyDictionary<string, string?> NpmEnvironment =>
        EnvironmentVariables.Where(v => v.Key.StartsWith("npm_config_", StringComparison.OrdinalIgnoreCase)).ToDictionary(v => v.Key, v => (string?)v.Value);

    /// <summary>The HTTP client the sources and the watch read the package index through: one for the process, as HttpClient is meant to be used.</summary>
    static readonly HttpClient SourcesHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    sealed record OpenSources(UpstreamSources Sources, string? IndexUrl, EmbeddedIndex? Embedded) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Embedded?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    async Task OutdatedAsync()
    {
        var config = FleetLoader.LoadFleet(RootDirectory);
        var inputs = UpstreamInputs.Of(config, FleetLoader.LoadTemplates(config, config.TemplateNames), BumpScope.NewestRuntime(PinFile.ReadAll(config)));
        var report = await ReadOutdatedAsync(config, inputs, CancellationToken);

        Log.Information("Upstream inputs (read {At:yyyy-MM-dd HH:mm} UTC):\n{Table}", report.ReadAt, report.Table());
        Directory.CreateDirectory(Context.Paths.Reports);
        await File.WriteAllTextAsync(Path.Combine(Context.Paths.Reports, "outdated.md"), report.Table(), CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Context.Paths.Reports, "outdated.json"), report.Json() + "\n", CancellationToken);
        var behind = report.Rows.Count(r => r.Bumpable is not null);
        ReportSummary(_ => _.AddPair("inputs", $"{report.Rows.Count} read, {behind} may move, {report.Failed.Count()} unreadable (output/reports/outdated.json)"));
        if (report.Failed.Any())
            throw new FleetException(string.Join("\n", report.Failed.Select(r => $"{r.Input.Name}: {r.Error}")));
    }

    /// <summary>Every input's source read and judged; the package index is --package-index, else the embedded one for the run.</summary>
    async Task<OutdatedReport> ReadOutdatedAsync(FleetConfig config, IReadOnlyList<UpstreamInput> inputs, CancellationToken ct)
    {
        await using var sources = await OpenSourcesAsync(config, ct);
        var basePin = PinFile.ReadIfExists(PinFile.PathForBase(config));
        var pins = PinnedVersion.Of(inputs, PinFile.ReadAll(config), basePin);
        return await new Outdated(sources.Sources, TimeProvider.System).ReadAsync(inputs, pins, c => BaseSecurityAsync(config, basePin, c), ct);
    }

    /// <summary>The pinned base's pending security upgrades, read as the security gate reads them.</summary>
    async Task<BaseSecurity> BaseSecurityAsync(FleetConfig config, Pin? basePin, CancellationToken ct)
    {
        if (basePin is null)
            return new BaseSecurity(null, $"no base pin ({FleetLoader.Display(RootDirectory, PinFile.PathForBase(config))}): nothing pinned to check; a base build takes every fix");
        await EngineProvisioner.EnsureAsync(Context.Engine, new EngineOptions(Context.Paths), ct);
        var login = new RegistryCredentials(basePin.Image.Split('/')[0], RegistryUsername, RegistryPassword);
        var (image, error) = await ImagePull.EnsureAsync(Context.Engine.Client, basePin.Reference, login.Auth, ct);
        if (image is null)
            throw new FleetException($"the base pin's image {basePin.Reference} cannot be pulled to check its security upgrades: {error}{ImagePull.Hint(error!)}");
        // As the supply chain's security gate reads it: the image's SBOM (cached by its layers) against the security archive.
        var tools = await SupplyChainToolsAsync();
        var scan = await tools.ImageScanner(Context.Engine.Client).ScanAsync(config.Base.Folder, config.Base.Image, image, [], new StepTimings(), ct);
        var report = await tools.SecurityArchive().CheckAsync(config.Base.Folder, scan.Sboms.CycloneDx.Sbom.Packages, DebianOrigin.Of(config), ct);
        return report.Passed
            ? new BaseSecurity([], $"the pinned base {basePin.Digest[..19]}… has no pending security upgrade")
            : new BaseSecurity([.. report.Pending.Select(p => p.Package)],
                $"{report.Pending.Count} pending in the pinned base: {string.Join(", ", report.Pending.Select(p => p.Package).Take(12))}{(report.Pending.Count > 12 ? ", …" : "")}");
    }
}
