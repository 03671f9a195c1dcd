using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Host;
using TemplateFleet.Images;
using TemplateFleet.Publishing;
using TemplateFleet.Python;
using TemplateFleet.Restore;
using TemplateFleet.Results;

namespace TemplateFleet;

// Parameter validation (before any target runs) and the state the targets hand to each other.
internal sealed partial class Build
{
    /// <summary>Set by Restore; owns the embedded package index until the build finishes.</summary>
    RestoredFleet? Fleet;
    Pep440Version? RequestedVersion;
    RunContext? context;
    ResultStore? results;
    CheckoutLock? checkoutLock;

    /// <summary>What every stage of this invocation shares: paths, the one engine client, revision, run id. Made once.</summary>
    RunContext Context => context ??= new RunContext(
        RunPaths.ForRepository(RootDirectory),
        new DockerEngine(DockerHost is { Length: > 0 } ? new Uri(DockerHost) : DockerEngine.DefaultEndpoint),
        SourceRevision.Read(RootDirectory),
        RunContext.NewRunId());

    /// <summary>This run's results, each written once (output/results/); a new run starts with an empty folder, once
    /// no other build of this checkout is running (held until the process ends).</summary>
    ResultStore Results => results ??= StartResults();

    ResultStore StartResults()
    {
        checkoutLock ??= CheckoutLock.Acquire(Context.Paths.Output, TimeSpan.FromMinutes(30));
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

    RunRecord RunRecord => new(Context.RunId, Run.Config.Runtime.Package, Run.RuntimeVersion.ToString(), Run.RuntimeVersionSource, Run.DevelopmentPackages,
        Context.Revision.Commit, Context.Revision.Tag, [.. Run.Templates.Select(t => t.Name)], Releases ? RegistryAddress : null,
        EnvironmentVariables.GetValueOrDefault("GITHUB_JOB") is { Length: > 0 } job ? job : null, DateTimeOffset.UtcNow);
    string RuntimePackage => Fleet?.Run.Config.Runtime.Package ?? FleetLoader.LoadFleet(RootDirectory).Runtime.Package;

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
        if (DockerHost is { Length: > 0 })
        {
            // The endpoint reaches the stages only through Context.Engine: nothing is set for others to read.
            if (!Uri.TryCreate(DockerHost, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("unix" or "tcp" or "http" or "https"))
                throw new FleetUsageException($"--docker-host '{DockerHost}' is not an engine endpoint (examples: unix:///var/run/docker.sock, tcp://10.0.0.5:2376).");
        }
        if (TrustCaBundleAtRuntime && ImageBuildOptions.EffectiveCaBundle is null)
            throw new FleetUsageException("--trust-ca-bundle-at-runtime: there is no extra CA bundle to trust; pass --ca-bundle <PEM file> (or set SSL_CERT_FILE), or drop the flag.");
        if (BaseImage is { Length: > 0 } && PinnedImage.Parse(BaseImage) is null)
            throw new FleetUsageException($"--base-image '{BaseImage}' must name a published base by digest, <registry>/<repository>/base@sha256:<64 hex digits> (the base job's base_image output).");
        if (Releases && !Plan)
            PreflightSupplyChain(RegistryHost.Parse(Registry is { Length: > 0 } r ? r : FleetLoader.LoadFleet(RootDirectory).Images.Registry).ToString());
        if ((Invokes(nameof(Cascade)) || Invokes(nameof(CascadeBase))) && !Plan)
            ValidateCascadeParameters();
        // The pins job: the forge before anything else (the runtime version, when the workflow gives one, checks its pull request too).
        if (Invokes(nameof(ProposePins)) && !Plan)
            PreflightForge(RequestedVersion);
        if (Invokes(nameof(Bump)) && !Plan)
            ResolveBump();
        if (Invokes(nameof(Watch)) && !Plan)
        {
            if (PackageIndex is not { Length: > 0 })
                throw new FleetUsageException("Watch needs --package-index (the PACKAGE_INDEX variable): the simple index whose newest runtime release it looks for.");
            PreflightForge(runtimeVersion: null);
        }
    }

    // Checked before anything is built or pushed: a forge refusal found only after Publish would leave pushed
    // images and written pins without the pull request that carries them.
    void ValidateCascadeParameters()
    {
        if (RequestedVersion is null)
            throw new FleetUsageException("Cascade needs --runtime-version: the version the runtime's release pipeline just published.");
        if (IndexTimeoutMinutes < 0 || IndexPollSeconds < 1)
            throw new FleetUsageException($"--index-timeout-minutes {IndexTimeoutMinutes} / --index-poll-seconds {IndexPollSeconds}: the wait must be at least 0 minutes and a look at least 1 s apart.");
        PreflightForge(RequestedVersion);
    }

    /// <summary>The workflows fan out over the fleet's templates, as templates/fleet.yaml lists them.</summary>
    protected override IReadOnlyList<string>? WorkflowMatrix(string parameter) =>
        parameter == nameof(Templates) ? FleetLoader.LoadFleet(RootDirectory).TemplateNames : null;

    protected override void OnBuildFinished()
    {
        forge?.Dispose();
        Fleet?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        context?.Engine.Dispose();
    }

    RestoreRequest RestoreRequest => new(bumpScope is { } scope ? [.. scope.Templates] : Templates, RequestedVersion, PackageIndex,
        (new ImageBuildOptions(CaBundle: CaBundle is null ? null : (string)CaBundle).EffectiveCaBundle, CaBundle is null ? "SSL_CERT_FILE" : "--ca-bundle"));

    ImageBuildOptions ImageBuildOptions => new(Parallelism, NoCache, CaBundle: CaBundle is null ? null : (string)CaBundle,
        ReleaseRegistry: Releases ? RegistryAddress : null)
    {
        TrustCaBundleAtRunTime = TrustCaBundleAtRuntime,
    };

    BaseImageOptions BaseImageOptions => new()
    {
        Reference = bumpScope?.BaseImage ?? (BaseImage is { Length: > 0 } ? BaseImage : null),
        Registry = UsesRegistry ? RegistryAddress : null,
        Username = RegistryUsername,
        Password = RegistryPassword,
    };

    GateOptions GateOptions => new()
    {
        Parallelism = Parallelism,
        ReportsDirectory = Context.Paths.Reports,
        Secrets = new[] { RegistryPassword, ForgeToken, GitHubToken, SigningKey, SigningKeyPassword }.OfType<string>().ToList(),
    };

    PublishOptions PublishOptions => new()
    {
        Registry = Registry,
        Username = RegistryUsername,
        Password = RegistryPassword,
    };

    /// <summary>Runs a gate and always records its "passed/total" note, also when it fails.</summary>
    async Task Gate(string stage, string gate, Func<Task> run)
    {
        try
        {
            await OnEngine(stage, run);
        }
        finally
        {
            ReportSummary(_ => _.AddPair("passed", Reports.SummaryNote.ForGate(gate, Run, Results)));
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
    /// engine, a registry this build starts stays up afterwards, so the pinned digests can be pulled.
    /// </summary>
    async Task EnsureLocalRegistryWhenLoopback()
    {
        var address = RegistryAddress;
        if (!RegistryHost.IsLoopbackRegistry(address))
            return;
        var port = RegistryHost.Parse(address).Port ?? 5000;
        await RegistryProvisioner.EnsureAsync(new RegistryProvisionOptions
        {
            Directory = Context.Paths.Registry,
            Port = port,
            Username = RegistryUsername,
            Password = RegistryPassword,
        }, CancellationToken);
    }
}
