using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Host;
using TemplateFleet.KeepCurrent;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using TemplateFleet.Results;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;

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
        .Executes(FinishBumpAsync);

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
        if (Input is not { Length: > 0 })
            throw new FleetUsageException("Bump needs --input: the upstream input to move (./build.sh Outdated lists them: a template's name for its agent, node, npm, docker-cli, debian-security).");
        var config = FleetLoader.LoadFleet(RootDirectory);
        var templates = FleetLoader.LoadTemplates(config, config.TemplateNames);
        var inputs = UpstreamInputs.Of(config, templates);
        // Every other lock must already match its template.yaml (the bumped agent's is written again): found now, not after the data changed.
        foreach (var template in templates.Where(t => t.Name != Input))
        {
            try
            {
                AgentLock.Read(template);
            }
            catch (FleetException e)
            {
                throw new FleetUsageException(e.Message);
            }
        }
        var fromIndex = inputs.FirstOrDefault(i => i.Name == Input)?.Source == InputSource.PackageIndex;
        bump = Task.Run(async () =>
        {
            await using var sources = await OpenSourcesAsync(config, CancellationToken, index: fromIndex);
            return await BumpRequest.ResolveAsync(inputs, Input, InputVersion is { Length: > 0 } v ? v : null, new Outdated(sources.Sources, TimeProvider.System),
                sources.Sources, TimeProvider.System.GetUtcNow(), CancellationToken);
        }).GetAwaiter().GetResult();
        if (bump is null)
        {
            var input = inputs.First(i => i.Name == Input);
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

    static string Published(BumpRequest request) =>
        request.Release.PublishedAt is { } at ? $"{at:yyyy-MM-dd HH:mm} UTC, {VersionPolicy.Age(DateTimeOffset.UtcNow - at)} ago" : "at no known time";

    async Task PrepareBumpAsync()
    {
        var request = bump!;
        var input = request.Input;
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        pinsBefore = PinFile.ReadAll(fleet);
        pinTextsBefore = fleet.TemplateNames.Select(t => PinFile.PathFor(FleetLoader.LoadTemplate(fleet, t))).Append(PinFile.PathForBase(fleet))
            .ToDictionary(p => Path.GetRelativePath(RootDirectory, p).Replace('\\', '/'), p => File.Exists(p) ? File.ReadAllText(p) : null);
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
        bumpScope = BumpScope.For(request, config, PinFile.PathForBase(config), PinFile.ReadAll(config), changed);
        if (bumpScope.RuntimeVersion is { } runtime)
            RequestedVersion = Pep440Version.Parse(runtime);
        Log.Information("{Subject} rebuilds {What}", request.Subject, bumpScope.Describe);
        ReportSummary(_ => _.AddPair("bump", request.Subject).AddPair("rebuilds", bumpScope.Describe));
    }

    async Task FinishBumpAsync()
    {
        var scope = bumpScope ?? throw new FleetException($"Bump {bump!.Subject}: it stopped before the data and the lock were written (PrepareBump above); nothing was built or proposed.");
        var failed = scope.Templates.Where(t => Results.Publish(t)?.Status is not (TemplateFleet.Results.PublishStatus.Published or TemplateFleet.Results.PublishStatus.Unchanged)).ToList();
        Log.Information("{Subject}: changed {Files}; {Outcome}", bump!.Subject, string.Join(", ", scope.ChangedFiles),
            failed.Count == 0 ? "every template it reaches passed the gates and was published" : $"not published: {string.Join(", ", failed)}");
        ReportSummary(_ => _.AddPair("bump", failed.Count == 0 ? $"{bump.Subject}: gated and published" : $"{bump.Subject}: {failed.Count} failed"));
        if (proposer is not null)
            await ProposeBumpAsync(scope, [.. failed.SelectMany(BumpFailures)]);
        if (failed.Count > 0)
            throw new FleetException($"Bump {bump.Subject}: {string.Join(", ", failed)} did not pass every gate; the data and the lock are changed in the working tree{(proposer is null ? "" : " and in a work-in-progress pull request")}, the pins are not proposed.");
    }

    /// <summary>The bump's pull request: data and lock, and the pins when nothing failed; work in progress otherwise.</summary>
    async Task ProposeBumpAsync(BumpScope scope, IReadOnlyList<string> failures)
    {
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        var release = Results.Run is null ? null
            : ReleaseProposal.From(ProposalKind.Runtime, fleet, FleetLoader.LoadTemplates(fleet, scope.Templates), [Results], pinsBefore ?? PinFile.ReadAll(fleet));
        var data = scope.ChangedFiles.Select(f => new PinFileChange(f, File.ReadAllText(Path.Combine(RootDirectory, f)))).ToList();
        var proposal = new BumpProposal(ProposalKey.Bump(bump!.Input.Name, bump.Version), bump.Subject, bump.Input.Describe, Published(bump), release, data,
            failures.Count == 0 && release is null ? ["the run left no results (output/results): see its log"] : failures)
        { PinsBefore = pinTextsBefore };
        var result = await Proposer.ProposeAsync(proposal, CancellationToken);
        ReportSummary(_ => _.AddPair("pull request", $"{result.Outcome.ToString().ToLowerInvariant()} #{result.Number} {result.Url}{(proposal.WorkInProgress ? " (work in progress)" : "")}"));
    }

    /// <summary>Why a template of the bump was not published, one line per failed check with its diagnostics.</summary>
    IEnumerable<string> BumpFailures(string template)
    {
        yield return $"{template}: {Results.Publish(template)?.Reason ?? Results.Build(template)?.Failure?.Split('\n')[0] ?? "not built (see the run's log)"}";
        foreach (var gate in new[] { GateLabels.Smoke, GateLabels.T4 }.Select(g => Results.Gate(g, template)).OfType<GateResult>())
        {
            foreach (var check in gate.Checks.Where(c => !c.Passed && c.Severity == Severity.Hard))
                yield return $"{template} {gate.Gate} {check.Id}: {check.Reason ?? check.Description}";
            if (gate.Error is { } error)
                yield return $"{template} {gate.Gate}: {error.Split('\n')[0]}";
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
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // The same private apt state as the tool installer's (in the per-user cache, docs/tools.md), without needing its pins.
        var debian = DebianArchive.ForHost(Path.Combine(Cache.Tools, ".apt"));
        return new OpenSources(new UpstreamSources(new NpmRegistry(NpmEnvironment), indexUrl is null ? null : new PackageIndexReleases(http, indexUrl), debian), indexUrl, http, embedded);
    }

    /// <summary>npm's own settings from the build's environment (npm_config_registry and the like), for the npm it runs.</summary>
    IReadOnlyDictionary<string, string?> NpmEnvironment =>
        EnvironmentVariables.Where(v => v.Key.StartsWith("npm_config_", StringComparison.OrdinalIgnoreCase)).ToDictionary(v => v.Key, v => (string?)v.Value);

    sealed record OpenSources(UpstreamSources Sources, string? IndexUrl, HttpClient Http, EmbeddedIndex? Embedded) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (Embedded is not null)
                await Embedded.DisposeAsync();
        }
    }

    async Task OutdatedAsync()
    {
        var config = FleetLoader.LoadFleet(RootDirectory);
        var templates = FleetLoader.LoadTemplates(config, config.TemplateNames);
        var inputs = UpstreamInputs.Of(config, templates, BumpScope.NewestRuntime(PinFile.ReadAll(config)));
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
        var pins = PinnedVersions.Of(inputs, PinFile.ReadAll(config), basePin);
        return await new Outdated(sources.Sources, TimeProvider.System).ReadAsync(inputs, pins, c => BaseSecurityAsync(config, basePin, c), ct);
    }

    /// <summary>The pinned base's pending security upgrades, read as the security gate reads them.</summary>
    async Task<BaseSecurity> BaseSecurityAsync(FleetConfig config, Pin? basePin, CancellationToken ct)
    {
        if (basePin is null)
            return new BaseSecurity(null, $"no base pin ({FleetLoader.Display(RootDirectory, PinFile.PathForBase(config))}): nothing pinned to check; a base build takes every fix");
        await EngineProvisioner.EnsureAsync(Context.Engine, new EngineOptions(Context.Paths), ct);
        var auth = RegistryUsername is null ? new AuthConfig() : new AuthConfig { Username = RegistryUsername, Password = RegistryPassword, ServerAddress = basePin.Image.Split('/')[0] };
        var (image, error) = await ImagePull.EnsureAsync(Context.Engine.Client, basePin.Reference, auth, ct);
        if (image is null)
            throw new FleetException($"the base pin's image {basePin.Reference} cannot be pulled to check its security upgrades: {error}{ImagePull.Hint(error!)}");
        // As the supply chain's security gate reads it: the image's SBOM (cached by its layers) against the security archive.
        var tools = await SupplyChainToolsAsync();
        var scan = await tools.ImageScanner(Context.Engine.Client).ScanAsync(config.Base.Folder, config.Base.Image, image, [], new StepTimings(), ct);
        var report = await new SecurityUpgradeCheck(tools.SecurityArchive()).CheckAsync(config.Base.Folder, scan.Sboms.CycloneDx.Sbom.Packages, DebianOrigin.Of(config), ct);
        return report.Passed
            ? new BaseSecurity([], $"the pinned base {basePin.Digest[..19]}… has no pending security upgrade")
            : new BaseSecurity([.. report.Pending.Select(p => p.Package)],
                $"{report.Pending.Count} pending in the pinned base: {string.Join(", ", report.Pending.Select(p => p.Package).Take(12))}{(report.Pending.Count > 12 ? ", …" : "")}");
    }
}
