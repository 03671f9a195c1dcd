using TemplateFleet.Cascade;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Host;
using TemplateFleet.Images;
using TemplateFleet.Publishing;
using TemplateFleet.Restore;

namespace TemplateFleet;

// The target graph of the template fleet. Each body is one call into the class named after what it does;
// the work lives in the folders beside this file (Fleet, Restore, Engine, PackageIndex, Images, Gates,
// Reports, Publishing, Cascade, Forges). Parameter validation and shared state: Build.State.cs; the forge: Build.Forge.cs;
// tests: Build.Test.cs.
// Failure semantics are NUKE's: a target that fails stops the build unless it ProceedsAfterFailure; the
// per-template stages do, so one broken template never holds back the others, and the build still fails.
// CI: the [GiteaActions] workflows below; ./build.sh --generate-configuration writes them to .gitea/workflows/.
[GiteaActions("gates", RunsOn = [Runner], OnPushBranches = ["main"], On = [GiteaActionsTrigger.PullRequest],
    MatrixParameter = nameof(Templates), InvokedTargets = [nameof(T4Conformance), nameof(Smoke)],
    PublishArtifacts = ["output/reports", "output/logs"])]
[GiteaActions("publish", RunsOn = [Runner], OnPushBranches = ["main"],
    MatrixParameter = nameof(Templates), InvokedTargets = [nameof(Publish)],
    ImportVariables = [nameof(PackageIndex), nameof(Registry), nameof(RegistryUsername)], ImportSecrets = [nameof(RegistryPassword)],
    PublishArtifacts = ["output/reports", "output/logs"])]
// One job, no matrix: the pin pull request is opened from the in-memory results of this run.
[GiteaActions("cascade", RunsOn = [Runner],
    OnWorkflowDispatchRequiredInputs = [nameof(RuntimeVersion)], OnWorkflowDispatchOptionalInputs = [nameof(PackageIndex)],
    InvokedTargets = [nameof(Cascade)],
    ImportVariables = [nameof(Registry), nameof(RegistryUsername)], ImportSecrets = [nameof(RegistryPassword), nameof(ForgeToken)],
    ImportContext = [$"{nameof(ForgeApiUrl)}=github.api_url", $"{nameof(ForgeRepository)}=github.repository"],
    PublishArtifacts = ["output/reports", "output/logs"])]
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
            ReportSummary(_ => _.AddPair("runtime", Run.RuntimeVersion).AddPair("templates", Run.Templates.Count));
        });

    Target BuildImage => _ => _
        .Description("Build the base image, then every template FROM it by digest, with RUNTIME_VERSION as a build arg")
        .DependsOn(Restore)
        .ProceedAfterFailure() // one template's failure: the others are still gated, published and pinned
        .Executes(async () =>
        {
            try
            {
                await OnEngine(nameof(BuildImage), () => new FleetImageBuilder(Context).BuildFleetAsync(Run, ImageBuildOptions, CancellationToken));
            }
            finally
            {
                ReportSummary(_ => _.AddPair("built", $"{Run.Templates.Count(t => t.Build == StageStatus.Succeeded)}/{Run.Templates.Count} templates"));
            }
        });

    Target Smoke => _ => _
        .Description("Run each template's declarative checks on a plain container")
        .DependsOn(BuildImage)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => AnyTemplateBuilt)
        .Executes(() => Gate(nameof(Smoke), t => t.Smoke, () => SmokeGate.RunAsync(Context, Run, GateOptions, CancellationToken)));

    Target T4Conformance => _ => _
        .Description("Probe the T4 privilege contract as uid 1000 in the provisioner shape")
        .DependsOn(BuildImage)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => AnyTemplateBuilt)
        .Executes(() => Gate(nameof(T4Conformance), t => t.T4, () => T4Gate.RunAsync(Context, Run, Fleet!.Contract, GateOptions, CancellationToken)));

    Target Publish => _ => _
        .Description("Push the templates that passed both gates, verify them by digest, pin each digest")
        .DependsOn(Smoke, T4Conformance)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => AnyTemplateBuilt)
        .Executes(async () =>
        {
            try
            {
                await EnsureLocalRegistryWhenLoopback();
                await OnEngine(nameof(Publish), () => new Publisher(Context).PublishAsync(Run, PublishOptions, CancellationToken));
            }
            finally
            {
                ReportSummary(_ => _.AddPair("published", $"{Run.Templates.Count(t => t.Publish?.Status == PublishOutcome.Published)}/{Run.Templates.Count} templates"));
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
        .Executes(ProposePinsAsync);

    Target Watch => _ => _
        .Description("Start the cascade for a runtime release on the index that is newer than the pins, once per version")
        .Executes(WatchAsync);
}
