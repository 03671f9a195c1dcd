using TemplateFleet.Fleet;
using TemplateFleet.Host;

namespace TemplateFleet;

// CI: the Gitea Actions workflows; ./build.sh --generate-configuration writes them to .gitea/workflows/, and a test
// fails when the committed files differ. Names are nameof(...) of targets and parameters, checked on generation.
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
    TimeoutMinutes = InputPolicies.RunTimeoutMinutes,
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
// One input moved to one version (docs/keeping-current.md): Watch dispatches it on the version's marker branch. One run
// per input at a time, and one for every base-wide input together (Gitea 1.26+; before, the marker is the only guard).
// The release's shape again: the base job writes the data and the lock (handed on as its artifact) and publishes the
// base only when the input reaches it (else its output is the pinned base); each template job applies those files and
// builds FROM that base, or skips a template the input does not reach; the pins job opens the bump's one pull request.
[GiteaActions("bump", RunsOn = [Runner], Concurrency = BumpConcurrency,
    TimeoutMinutes = InputPolicies.RunTimeoutMinutes,
    OnWorkflowDispatchRequiredInputs = [nameof(Input), nameof(InputVersion)], OnWorkflowDispatchOptionalInputs = [nameof(PackageIndex)],
    ImportVariables = [nameof(Registry), nameof(RegistryUsername), nameof(SigningPublicKey)],
    ImportContext = [$"{nameof(ForgeApiUrl)}=github.api_url", $"{nameof(ForgeRepository)}=github.repository"])]
[GiteaActionsJob("bump", "base", InvokedTargets = [nameof(BumpBase)], Outputs = [nameof(BaseImage), nameof(RuntimeVersion)],
    ImportSecrets = [nameof(RegistryPassword), nameof(ForgeToken), nameof(SigningKey), nameof(SigningKeyPassword)],
    PublishArtifacts = ["output/results", "output/logs", "output/" + BumpFolder])]
[GiteaActionsJob("bump", "templates", Needs = ["base"], MatrixParameter = nameof(Templates), InvokedTargets = [nameof(ApplyBump), nameof(Publish)],
    ImportOutputs = [nameof(BaseImage), nameof(RuntimeVersion)], ImportSecrets = [nameof(RegistryPassword), nameof(SigningKey), nameof(SigningKeyPassword)],
    DownloadArtifacts = ["output/jobs"], PublishArtifacts = ["output/results", "output/reports", "output/logs"])]
[GiteaActionsJob("bump", "pins", Needs = ["base", "templates"], Always = true, InvokedTargets = [nameof(ProposeBump)],
    DownloadArtifacts = ["output/jobs"], ImportSecrets = [nameof(ForgeToken)])]
// Hourly: a runtime release nobody announced starts its cascade once (the marker branch), within the hour; each input
// version Outdated allows starts its bump once, the same way.
[GiteaActions("watch", RunsOn = [Runner], OnCronSchedule = "17 * * * *", On = [GiteaActionsTrigger.WorkflowDispatch],
    InvokedTargets = [nameof(Watch)],
    ImportVariables = [nameof(PackageIndex), nameof(Registry), nameof(RegistryUsername)], ImportSecrets = [nameof(ForgeToken), nameof(RegistryPassword)],
    ImportContext = [$"{nameof(ForgeApiUrl)}=github.api_url", $"{nameof(ForgeRepository)}=github.repository"])]
internal sealed partial class Build
{
    /// <summary>The runner label: a Debian 12 host where the job runs as root with the .NET SDK (see README).</summary>
    const string Runner = "debian-12";

    /// <summary>The bump workflow's concurrency group: the input's name, or "base" for every input that rebuilds the base.</summary>
    const string BumpConcurrency = "bump-${{ contains(fromJSON('[\"" + FleetInputs.Node + "\",\"" + FleetInputs.Npm + "\",\"" + FleetInputs.DockerCli + "\",\""
        + FleetInputs.DebianSecurity + "\"]'), github.event.inputs.input) && 'base' || github.event.inputs.input }}";

    /// <summary>The workflows fan out over the fleet's templates, as templates/fleet.yaml lists them.</summary>
    protected override IReadOnlyList<string>? WorkflowMatrix(string parameter) =>
        parameter == nameof(Templates) ? FleetLoader.LoadFleet(RootDirectory).TemplateNames : null;
}
