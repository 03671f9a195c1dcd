using TemplateFleet.Cascade;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Host;
using TemplateFleet.Images;
using TemplateFleet.Publishing;
using TemplateFleet.Restore;
using TemplateFleet.Results;

namespace TemplateFleet;

// The target graph of the template fleet. Each body is one call into the class named after what it does;
// the work lives in the folders beside this file (Fleet, Restore, Engine, PackageIndex, Images, Gates,
// Reports, Publishing, Cascade, Forges). Parameter validation and shared state: Build.State.cs; the forge: Build.Forge.cs;
// tests: Build.Test.cs.
// Failure semantics are NUKE's: a target that fails stops the build unless it ProceedsAfterFailure; the
// per-template stages do, so one broken template never holds back the others, and the build still fails.
// CI: the [GiteaActions] workflows below; ./build.sh --generate-configuration writes them to .gitea/workflows/.
// With vars.REGISTRY set, the gates use the pinned base while its inputs are unchanged (a pull request that changes
// templates/base is gated against the new base, built in that run); without it, everything builds on the runner.
[GiteaActions("gates", RunsOn = [Runner], OnPushBranches = ["main"], On = [GiteaActionsTrigger.PullRequest],
    MatrixParameter = nameof(Templates), InvokedTargets = [nameof(TemplateTests), nameof(T4Conformance), nameof(Smoke)],
    ImportVariables = [nameof(Registry), nameof(RegistryUsername)], ImportSecrets = [nameof(RegistryPassword)],
    PublishArtifacts = ["output/reports", "output/logs"])]
// A release is several jobs (README "Release"): the base once, the templates FROM its published digest (a matrix,
// one runner each), and one job that collects their results into one pin pull request, also when some failed.
// Every image is signed with the one key the jobs are given (SIGNING_KEY, SIGNING_KEY_PASSWORD; README "Supply chain").
[GiteaActions("publish", RunsOn = [Runner], OnPushBranches = ["main"],
    ImportVariables = [nameof(PackageIndex), nameof(Registry), nameof(RegistryUsername), nameof(SigningPublicKey)])]
[GiteaActionsJob("publish", "base", InvokedTargets = [nameof(PublishBase)], Outputs = [nameof(BaseImage), nameof(RuntimeVersion)],
    ImportSecrets = [nameof(RegistryPassword), nameof(SigningKey), nameof(SigningKeyPassword)], PublishArtifacts = ["output/results", "output/logs"])]
[GiteaActionsJob("publish", "templates", Needs = ["base"], MatrixParameter = nameof(Templates), InvokedTargets = [nameof(Publish)],
    ImportOutputs = [nameof(BaseImage), nameof(RuntimeVersion)], ImportSecrets = [nameof(RegistryPassword), nameof(SigningKey), nameof(SigningKeyPassword)],
    PublishArtifacts = ["output/results", "output/reports", "output/logs"])]
[GiteaActionsJob("publish", "pins", Needs = ["base", "templates"], Always = true, InvokedTargets = [nameof(ProposePins)],
    DownloadArtifacts = ["output/jobs"], ImportSecrets = [nameof(ForgeToken)],
    ImportContext = [$"{nameof(ForgeApiUrl)}=github.api_url", $"{nameof(ForgeRepository)}=github.repository"])]
// The same shape for a runtime release: the base job marks the cascade on the forge (after its preflight) and
// waits for the index before anything is built.
[GiteaActions("cascade", RunsOn = [Runner],
    OnWorkflowDispatchRequiredInputs = [nameof(RuntimeVersion)], OnWorkflowDispatchOptionalInputs = [nameof(PackageIndex)],
    ImportVariables = [nameof(Registry), nameof(RegistryUsername), nameof(SigningPublicKey)],
    ImportContext = [$"{nameof(ForgeApiUrl)}=github.api_url", $"{nameof(ForgeRepository)}=github.repository"])]
[GiteaActionsJob("cascade", "base", InvokedTargets = [nameof(CascadeBase)], Outputs = [nameof(BaseImage)],
    ImportSecrets = [nameof(RegistryPassword), nameof(ForgeToken), nameof(SigningKey), nameof(SigningKeyPassword)], PublishArtifacts = ["output/results", "output/logs"])]
[GiteaActionsJob("cascade", "templates", Needs = ["base"], MatrixParameter = nameof(Templates), InvokedTargets = [nameof(Publish)],
    ImportOutputs = [nameof(BaseImage)], ImportSecrets = [nameof(RegistryPassword), nameof(SigningKey), nameof(SigningKeyPassword)],
    PublishArtifacts = ["output/results", "output/reports", "output/logs"])]
[GiteaActionsJob("cascade", "pins", Needs = ["base", "templates"], Always = true, InvokedTargets = [nameof(ProposePins)],
    DownloadArtifacts = ["output/jobs"], ImportSecrets = [nameof(ForgeToken)])]
// Hourly: a runtime release nobody announced starts its cascade once (the marker branch), within the hour.
[GiteaActions("watch", RunsOn = [Runner], OnCronSchedule = "17 * * * *", On = [GiteaActionsTrigger.WorkflowDispatch],
    InvokedTargets = [nameof(Watch)],
    ImportVariables = [nameof(PackageIndex)], ImportSecrets = [nameof(ForgeToken)],
    ImportContext = [$"{nameof(ForgeApiUrl)}=github.api_url", $"{nameof(ForgeRepository)}=github.repository"])]
internal sealed partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>();

    /// <summary>The runner label: a Debian 12 host where the job runs as root with the .NET SDK (see README).</summary>
    const string Runner = "debian-12";

    [Parameter("Runtime version to build (PEP 440); default: the newest release on the package index")]
    readonly string? RuntimeVersion;

    [Parameter("Templates to work on (comma- or space-separated); default: the whole fleet")]
    readonly string[] Templates = [];

    [Parameter("PEP 503 simple index URL for the runtime; default: the embedded development index on loopback")]
    readonly string? PackageIndex;

    [Parameter("How many templates build or are gated at once; default: the number of cores")]
    readonly int Parallelism = Environment.ProcessorCount;

    [Parameter("Build every image afresh: no layer cache, no reuse of an image whose inputs are unchanged")]
    readonly bool NoCache;

    [Parameter("Extra CA bundle (PEM) trusted by build steps; default: $SSL_CERT_FILE when set")]
    readonly AbsolutePath? CaBundle;

    [Parameter("Keep the extra CA bundle trusted in the shipped images at run time; default: trusted while building only")]
    readonly bool TrustCaBundleAtRuntime;

    [Parameter("Published base (<registry>/<repository>/base@sha256:...) to build the templates FROM instead of building one; the release workflows pass the base job's")]
    readonly string? BaseImage;

    [Parameter("Docker engine endpoint (unix:// or tcp://); default: the local socket")]
    readonly string? DockerHost;

    [Parameter("Registry Publish pushes to, host[:port]; default: images.registry in templates/fleet.yaml")]
    readonly string? Registry;

    [Parameter("Registry user name")]
    readonly string? RegistryUsername;

    [Parameter("Registry password or token")]
    [Secret]
    readonly string? RegistryPassword;

    [Parameter("Minutes Cascade waits for the runtime version to appear on the package index")]
    readonly int IndexTimeoutMinutes = 15;

    [Parameter("Seconds between two looks at the package index while Cascade waits for the runtime version")]
    readonly int IndexPollSeconds = 20;

    Target Restore => _ => _
        .Description("Validate fleet data and Dockerfiles, make sure an engine answers, settle RUNTIME_VERSION")
        .Executes(async () =>
        {
            Fleet = await Restorer.RestoreAsync(Context, RestoreRequest, CancellationToken);
            Results.Write(RunRecord);
            WriteOutput(nameof(RuntimeVersion), Run.RuntimeVersion.ToString());
            ReportSummary(_ => _.AddPair("runtime", Run.RuntimeVersion).AddPair("templates", Run.Templates.Count));
        });

    Target BuildBase => _ => _
        .Description("Settle the one base the templates build FROM: the published base given, the pinned one while its inputs are unchanged, else build it")
        .DependsOn(Restore)
        .Executes(async () =>
        {
            // The pinned base may be there; a loopback registry this build starts must be up before it is asked.
            if (UsesRegistry)
                await EnsureLocalRegistryWhenLoopback();
            var @base = await OnEngine(nameof(BuildBase), () => new BaseImageProvider(Context).EnsureAsync(Run, BaseImageOptions, ImageBuildOptions, CancellationToken));
            Results.Write(@base);
            ReportSummary(_ => _.AddPair("base", @base.Succeeded ? $"{@base.Status.ToString().ToLowerInvariant()} {@base.Reference}" : "failed"));
            if (!@base.Succeeded)
                throw new FleetException(@base.Failure ?? "the base image could not be built");
        });

    Target PublishBase => _ => _
        .Description("Push the base, verify it by digest and pin it (templates/base/pin.json); templates then build FROM that digest")
        .DependsOn(BuildBase)
        .Before(BuildImage)
        .Executes(async () =>
        {
            await EnsureLocalRegistryWhenLoopback();
            var published = await OnEngine(nameof(PublishBase), async () => await new Publisher(Context, contributors: await SupplyChainAsync()).PublishBaseAsync(Run, Results, PublishOptions, CancellationToken));
            WriteOutput(nameof(BaseImage), Results.BaseReference!);
            ReportSummary(_ => _.AddPair("base", $"{published.Status.ToString().ToLowerInvariant()} {Results.BaseReference}"));
        });

    Target BuildImage => _ => _
        .Description("Build every template FROM the base (by digest), with RUNTIME_VERSION as a build arg; unchanged ones are not built when publishing")
        .DependsOn(BuildBase)
        .ProceedAfterFailure() // one template's failure: the others are still gated, published and pinned
        .Executes(async () =>
        {
            try
            {
                await OnEngine(nameof(BuildImage), () => new FleetImageBuilder(Context).BuildFleetAsync(Run, Results, ImageBuildOptions, CancellationToken));
            }
            finally
            {
                ReportSummary(_ => _.AddPair("built", Reports.SummaryNote.Built(Run, Results)));
            }
        });

    Target Smoke => _ => _
        .Description("Run each template's declarative checks on a plain container")
        .DependsOn(BuildImage)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => AnyTemplateBuilt)
        .Executes(() => Gate(nameof(Smoke), GateLabels.Smoke, () => SmokeGate.RunAsync(Context, Run, Results, GateOptions, CancellationToken)));

    Target T4Conformance => _ => _
        .Description("Probe the T4 privilege contract as uid 1000 in the provisioner shape")
        .DependsOn(BuildImage)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => AnyTemplateBuilt)
        .Executes(() => Gate(nameof(T4Conformance), GateLabels.T4, () => T4Gate.RunAsync(Context, Run, Results, Fleet!.Contract, GateOptions, CancellationToken)));

    Target Publish => _ => _
        .Description("Push the templates that passed the gates, verify them by digest, pin each digest; unchanged ones keep their pins")
        .DependsOn(PublishBase, TemplateTests, Smoke, T4Conformance)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => HasBase)
        .Executes(async () =>
        {
            try
            {
                await EnsureLocalRegistryWhenLoopback();
                await OnEngine(nameof(Publish), async () => await new Publisher(Context, contributors: await SupplyChainAsync()).PublishAsync(Run, Results, PublishOptions, CancellationToken));
            }
            finally
            {
                ReportSummary(_ => _.AddPair("published", Reports.SummaryNote.Published(Run, Results)));
            }
        });

    Target WaitForRuntime => _ => _
        .Description("Wait until the package index serves RUNTIME_VERSION")
        .Unlisted()
        .Before(Restore)
        .OnlyWhenStatic(() => PackageIndex != null)
        .Executes(() => new IndexWaiter().WaitAsync(
            new Uri(RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(PackageIndex!)), RuntimePackage, RequestedVersion!.ToString(),
            TimeSpan.FromMinutes(IndexTimeoutMinutes), TimeSpan.FromSeconds(IndexPollSeconds), CancellationToken));

    Target MarkCascadeStarted => _ => _
        .Description("Make the runtime version's branch on the forge: the marker that its cascade has started")
        .Unlisted()
        .Before(WaitForRuntime, Restore)
        .Executes(MarkCascadeStartedAsync);

    Target Cascade => _ => _
        .Description("For a newly published runtime: wait for the index, build, gate, publish, open one pin pull request")
        .DependsOn(MarkCascadeStarted, WaitForRuntime, Publish)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => Fleet != null)
        .Executes(() => ProposeAsync([Results]));

    Target CascadeBase => _ => _
        .Description("The base job of the cascade workflow: mark the cascade on the forge, wait for the index, publish the base")
        .DependsOn(MarkCascadeStarted, WaitForRuntime, PublishBase);

    Target ProposePins => _ => _
        .Description("Collect the results the release's jobs left (output/jobs) and open or update one pull request with every pin they published")
        .Executes(() => ProposeAsync(CollectJobResults()));

    Target VerifyPins => _ => _
        .Description("For consumers: each pin's digest in its registry must carry a signature by --signing-public-key and SBOM attestations with the pin's versions; security upgrades pending since publish are reported")
        .Executes(VerifyPinsAsync);

    Target Watch => _ => _
        .Description("Start the cascade for a runtime release on the index that is newer than the pins, once per version")
        .Executes(WatchAsync);
}
