using TemplateFleet.Gates;
using TemplateFleet.Host;
using TemplateFleet.PullRequests;

namespace TemplateFleet;

// The target graph of the template fleet. Each target is one call into the partial named after its concern: the
// stages, their shared state and the parameters' checks in Build.State.cs, the forge and the cascade in
// Build.Forge.cs, the release across jobs in Build.Release.cs, the supply chain in Build.SupplyChain.cs, the tests in
// Build.Test.cs, the CI workflows in Build.CI.GiteaActions.cs; the work itself in the folders beside them.
// Failure semantics are NUKE's: a target that fails stops the build unless it ProceedsAfterFailure; the
// per-template stages do, so one broken template never holds back the others, and the build still fails.
internal sealed partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>();

    Target Restore => _ => _
        .Description("Validate fleet data and Dockerfiles, make sure an engine answers, settle RUNTIME_VERSION")
        .Executes(RestoreAsync);

    Target BuildBase => _ => _
        .Description("Settle the one base the templates build FROM: the published base given, the pinned one while its inputs are unchanged, else build it")
        .DependsOn(Restore)
        .Executes(BuildBaseAsync);

    Target PublishBase => _ => _
        .Description("Push the base, verify it by digest and pin it (templates/base/pin.json); templates then build FROM that digest")
        .DependsOn(BuildBase)
        .Before(BuildImage)
        .Requires(SupplyChainReady)
        .Executes(PublishBaseAsync);

    Target BuildImage => _ => _
        .Description("Build every template FROM the base (by digest), with RUNTIME_VERSION as a build arg; unchanged ones are not built when publishing")
        .DependsOn(BuildBase)
        .ProceedAfterFailure() // one template's failure: the others are still gated, published and pinned
        .Executes(BuildImagesAsync);

    Target TemplateTests => _ => _
        .Description("Run each template's own tests inside its built image (no network, the image's python3, as the code's user)")
        .DependsOn(BuildImage)
        .Before(Smoke, T4Conformance)
        .ProceedAfterFailure()
        .OnlyWhenDynamic(() => AnyTemplateBuilt)
        .Executes(TemplateTestsAsync);

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
        .Executes(PublishAsync);

    Target WaitForRuntime => _ => _
        .Description("Wait until the package index serves RUNTIME_VERSION")
        .Unlisted()
        .Before(Restore)
        .OnlyWhenStatic(() => PackageIndex != null)
        .Executes(WaitForRuntimeAsync);

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
        .Requires(CascadeReady)
        .Executes(() => ProposeAsync([Results]));

    Target CascadeBase => _ => _
        .Description("The base job of the cascade workflow: mark the cascade on the forge, wait for the index, publish the base")
        .DependsOn(MarkCascadeStarted, WaitForRuntime, PublishBase)
        .Requires(CascadeReady);

    Target ProposePins => _ => _
        .Description("Collect the results the release's jobs left (output/jobs) and open or update one pull request with every pin they published")
        .Requires(() => PreflightForge(RequestedVersion is { } version ? ProposalKey.Runtime(version) : null))
        .Executes(() => ProposeAsync(CollectJobResults()));

    Target VerifyPins => _ => _
        .Description("For consumers: each pin's digest in its registry must carry a signature by --signing-public-key and SBOM attestations with the pin's versions; security upgrades pending since publish are reported")
        .Executes(VerifyPinsAsync);

    Target Watch => _ => _
        .Description("Start the cascade for a runtime release on the index that is newer than the pins, and a bump for each input version Outdated allows, each once")
        .Requires(WatchReady)
        .Executes(WatchAsync);

    // The parameters every stage shares (after the targets: the graph comes first). A concern's own parameters live in its
    // partial (the forge: Build.Forge.cs; signing: Build.SupplyChain.cs).
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
}
