using TemplateFleet.Engine;
using TemplateFleet.Files;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Host;
using TemplateFleet.Images;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;
using TemplateFleet.Results;

namespace TemplateFleet;

// What the stages do (each target of Build.cs calls one method here), the state they hand to each other, and the
// parameters' checks before any target runs (a target's own preconditions are its Requires(...)).
internal sealed partial class Build
{
    /// <summary>--runtime-version, parsed once: a version goes into build args and tags.</summary>
    Pep440Version? RequestedVersion;

    protected override string DisplayName => "template-fleet build";

    protected override void OnBuildInitialized()
    {
        // Rejected before any other work: a version goes into build args and tags.
        if (RuntimeVersion is not null)
            RequestedVersion = Pep440Version.TryParse(RuntimeVersion, out var requested)
                ? requested
                : throw new FleetUsageException(Pep440Version.NotAVersion(RuntimeVersion, "--runtime-version"));
        if (Parallelism < 1)
            throw new FleetUsageException($"--parallelism {Parallelism}: must be at least 1.");
        // The endpoint reaches the stages only through Context.Engine: nothing is set for others to read.
        if (DockerHost is { Length: > 0 } && (!Uri.TryCreate(DockerHost, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("unix" or "tcp" or "http" or "https")))
            throw new FleetUsageException($"--docker-host '{DockerHost}' is not an engine endpoint (examples: unix:///var/run/docker.sock, tcp://10.0.0.5:2376).");
        if (TrustCaBundleAtRuntime && ImageBuildOptions.EffectiveCaBundle is null)
            throw new FleetUsageException("--trust-ca-bundle-at-runtime: there is no extra CA bundle to trust; pass --ca-bundle <PEM file> (or set SSL_CERT_FILE), or drop the flag.");
        if (BaseImage is { Length: > 0 } && PinnedImage.Parse(BaseImage) is null)
            throw new FleetUsageException($"--base-image '{BaseImage}' must name a published base by digest, <registry>/<repository>/base@sha256:<64 hex digits> (the base job's base_image output).");
    }

    /// <summary>Set by Restore; owns the embedded package index until the build finishes.</summary>
    RestoredFleet? Fleet;
    RunContext? context;
    FileLock? checkoutLock;

    /// <summary>What every stage of this invocation shares: paths, the one engine client, revision, run id. Made once.</summary>
    RunContext Context => context ??= new RunContext(
        RunPaths.ForRepository(RootDirectory),
        new DockerEngine(DockerHost is { Length: > 0 } ? new Uri(DockerHost) : DockerEngine.DefaultEndpoint),
        SourceRevision.Read(RootDirectory),
        RunContext.NewRunId());

    /// <summary>This run's results, each written once (output/results/); a new run starts with an empty folder, once
    /// no other build of this checkout is running (held until the process ends).</summary>
    ResultStore Results => field ??= StartResults();

    ResultStore StartResults()
    {
        checkoutLock ??= ResultStore.LockCheckout(Context.Paths.Output, TimeSpan.FromMinutes(30));
        return ResultStore.StartRun(Context.Paths.Results);
    }

    FleetRun Run => Fleet?.Run ?? throw new FleetException("Restore did not complete; nothing to work on.");
    bool HasBase => Fleet is not null && Results.Base is { Succeeded: true };
    bool AnyTemplateBuilt => Fleet is not null && Run.Templates.Any(t => Results.Build(t.Name) is { Succeeded: true });

    /// <summary>True when this invocation pushes images: templates then build FROM the published base, and unchanged ones are not built.</summary>
    bool Releases => Plans(nameof(PublishBase));

    /// <summary>Publishing, or a registry configured (the gates workflow with vars.REGISTRY): the base may come from its pin there.</summary>
    bool UsesRegistry => Releases || Registry is { Length: > 0 };

    string RegistryAddress => RegistryHost.Parse(Registry is { Length: > 0 } r ? r : Run.Config.Images.Registry).ToString();

    bool Plans(string target) => ExecutionPlan.Any(t => t.Name == target && t.Status is not (ExecutionStatus.Skipped or ExecutionStatus.NotRun));

    RunRecord RunRecord => new(Context.RunId, Run.Config.Runtime.Package, Run.RuntimeVersion, Run.RuntimeVersionSource, Run.DevelopmentPackages,
        Context.Revision.Commit, Context.Revision.Tag, [.. Run.Templates.Select(t => t.Name)], Releases ? RegistryAddress : null,
        EnvironmentVariables.GetValueOrDefault("GITHUB_JOB") is { Length: > 0 } job ? job : null, DateTimeOffset.UtcNow);

    protected override void OnBuildFinished()
    {
        forge?.Dispose();
        Fleet?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        context?.Engine.Dispose();
    }

    ImageBuildOptions ImageBuildOptions => new(Parallelism, NoCache, CaBundle: CaBundle?.ToString(), ReleaseRegistry: Releases ? RegistryAddress : null)
    {
        TrustCaBundleAtRunTime = TrustCaBundleAtRuntime,
    };

    /// <summary>The registry the run pushes to (or takes the pinned base from), and its login.</summary>
    RegistryCredentials RegistryLogin => new(RegistryAddress, RegistryUsername, RegistryPassword);

    BaseImageOptions BaseImageOptions => new(bumpScope?.BaseImage ?? (BaseImage is { Length: > 0 } ? BaseImage : null), UsesRegistry ? RegistryAddress : null, RegistryLogin);

    GateOptions GateOptions => new()
    {
        Parallelism = Parallelism,
        ReportsDirectory = Context.Paths.Reports,
        Secrets = new[] { RegistryPassword, ForgeToken, GitHubToken, SigningKey, SigningKeyPassword }.OfType<string>().ToList(),
    };

    PublishOptions PublishOptions => new(RegistryLogin);

    async Task RestoreAsync()
    {
        await ScanChangeBeforeBuildAsync(); // publishing: a credential in the change stops the run before any build prints it
        Fleet = await Restorer.RestoreAsync(Context, bumpScope is { } scope ? [.. scope.Templates] : Templates, RequestedVersion, PackageIndex,
            (new ImageBuildOptions(CaBundle: CaBundle?.ToString()).EffectiveCaBundle, CaBundle is null ? "SSL_CERT_FILE" : "--ca-bundle"), CancellationToken);
        Results.Write(RunRecord);
        WriteOutput(nameof(RuntimeVersion), Run.RuntimeVersion.ToString());
        ReportSummary(_ => _.AddPair("runtime", Run.RuntimeVersion).AddPair("templates", Run.Templates.Count));
    }

    async Task BuildBaseAsync()
    {
        // The pinned base may be there; a loopback registry this build starts must be up before it is asked.
        if (UsesRegistry)
            await EnsureLocalRegistryWhenLoopback();
        var @base = await OnEngine(nameof(BuildBase), () => new FleetImageBuilder(Context).BuildBaseAsync(Run, BaseImageOptions, ImageBuildOptions, CancellationToken));
        Results.Write(@base);
        ReportSummary(_ => _.AddPair("base", @base.Succeeded ? $"{@base.Status.ToString().ToLowerInvariant()} {@base.Reference}" : "failed"));
        if (!@base.Succeeded)
            throw new FleetException(@base.Failure ?? "the base image could not be built");
    }

    async Task PublishBaseAsync()
    {
        await EnsureLocalRegistryWhenLoopback();
        var published = await OnEngine(nameof(PublishBase), async () => await new Publisher(Context, contributors: await SupplyChainAsync()).PublishBaseAsync(Run, Results, PublishOptions, CancellationToken));
        WriteOutput(nameof(BaseImage), Results.BaseReference!);
        ReportSummary(_ => _.AddPair("base", $"{published.Status.ToString().ToLowerInvariant()} {Results.BaseReference}"));
        ReportSupplyChainTimings(@base: true);
    }

    Task BuildImagesAsync() => Noted(nameof(BuildImage), () => new FleetImageBuilder(Context).BuildFleetAsync(Run, Results, ImageBuildOptions, CancellationToken),
        "built", () => Reports.SummaryNote.Built(Run, Results));

    async Task PublishAsync()
    {
        try
        {
            await EnsureLocalRegistryWhenLoopback();
            await OnEngine(nameof(Publish), async () => await new Publisher(Context, contributors: await SupplyChainAsync()).PublishAsync(Run, Results, PublishOptions, CancellationToken));
        }
        finally
        {
            ReportSummary(_ => _.AddPair("published", Reports.SummaryNote.Published(Run, Results)));
            ReportSupplyChainTimings(@base: false);
        }
    }

    Task WaitForRuntimeAsync() => RuntimeVersionResolver.WaitForAsync(
        new Uri(RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(PackageIndex!)), Fleet?.Run.Config.Runtime.Package ?? FleetLoader.LoadFleet(RootDirectory).Runtime.Package, RequestedVersion!.ToString(),
        TimeSpan.FromMinutes(IndexTimeoutMinutes), TimeSpan.FromSeconds(IndexPollSeconds), CancellationToken);

    /// <summary>Runs a gate and always records its "passed/total" note, also when it fails.</summary>
    Task Gate(string stage, string gate, Func<Task> run) => Noted(stage, run, "passed", () => Reports.SummaryNote.ForGate(gate, Run, Results));

    /// <summary>Runs a stage on the engine and always records its summary note, also when it fails.</summary>
    async Task Noted(string stage, Func<Task> run, string key, Func<string> note)
    {
        try
        {
            await OnEngine(stage, run);
        }
        finally
        {
            ReportSummary(_ => _.AddPair(key, note()));
        }
    }

    /// <summary>Work on the engine: an engine that stopped answering fails the stage with one line naming it.</summary>
    Task OnEngine(string stage, Func<Task> work) => OnEngine(stage, async () =>
    {
        await work();
        return true;
    });

    async Task<T> OnEngine<T>(string stage, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (!CancellationToken.IsCancellationRequested && EngineConnection.IsConnectionFailure(e))
        {
            // A connection that failed once while the engine answers again is that stage's own error.
            if (await Context.Engine.AnswersAsync())
                throw;
            throw EngineConnection.Lost(Context.Engine.Endpoint, stage, e);
        }
    }

    /// <summary>
    /// A registry on loopback is ours to start (development, tests); any other one is the user's. Like the
    /// engine, a registry this build starts stays up afterwards, so the pinned digests can be pulled; its storage
    /// is in the per-user cache, outside every checkout, so deleting a clone never deletes what it pushed.
    /// </summary>
    async Task EnsureLocalRegistryWhenLoopback()
    {
        var registry = RegistryHost.Parse(RegistryAddress);
        if (!registry.IsLoopback)
            return;
        var port = registry.Port ?? 5000;
        await RegistryProvisioner.EnsureAsync(Cache.Registry(port), port, RegistryUsername, RegistryPassword, CancellationToken);
    }
}
