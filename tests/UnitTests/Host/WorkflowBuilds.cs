using TemplateFleet.Host;
#pragma warning disable CS0649, CS0169 // [Parameter] fields are assigned by the host through reflection.

namespace TemplateFleet.UnitTests.Host;

/// <summary>Two workflows using every [GiteaActions] property; OnBuildInitialized refuses to run, as generation must not need it.</summary>
[GiteaActions("ci", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.PullRequest], OnPushBranches = ["main", "release/*"],
    MatrixParameter = nameof(Shards), InvokedTargets = [nameof(Test), nameof(Compile)],
    PublishArtifacts = ["output/reports", "output/logs/"])]
[GiteaActions("release", RunsOn = ["self-hosted", "linux"],
    OnWorkflowDispatchRequiredInputs = [nameof(Version)], OnWorkflowDispatchOptionalInputs = [nameof(Channel)],
    InvokedTargets = [nameof(Deploy)], ImportSecrets = [nameof(ApiKey)], ImportVariables = [nameof(Feed)],
    ImportContext = [$"{nameof(Repository)}=github.repository"], PublishArtifacts = ["output/packages"])]
internal sealed class WorkflowBuild : NukeBuild
{
    [Parameter("Version to release")] readonly string? Version;
    [Parameter] readonly string? Channel;
    [Parameter("Shards to test")] readonly string[] Shards = [];
    [Parameter("Package feed")] readonly string? Feed;
    [Parameter("owner/name")] readonly string? Repository;
    [Parameter("Feed key")][Secret] readonly string? ApiKey;

    Target Compile => _ => _.Executes(() => Recorder.Add(nameof(Compile)));
    Target Test => _ => _.DependsOn(Compile).Executes(() => Recorder.Add(nameof(Test)));
    Target Deploy => _ => _.DependsOn(Test).Executes(() => Recorder.Add(nameof(Deploy)));

    protected internal override IReadOnlyList<string>? WorkflowMatrix(string parameter) =>
        parameter == nameof(Shards) ? ["unit", "yes", "unit", " 1.0 "] : null;

    protected internal override void OnBuildInitialized() => throw new InvalidOperationException("generation must not initialise the build");
}

/// <summary>The smallest valid workflow; tests replace its file to see what generation keeps and removes.</summary>
[GiteaActions("only", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.WorkflowDispatch], InvokedTargets = [nameof(Work)])]
internal sealed class SingleWorkflowBuild : NukeBuild
{
    Target Work => _ => _.Executes(() => Recorder.Add(nameof(Work)));
}

/// <summary>A scheduled workflow (and a dispatch, to start it by hand too).</summary>
[GiteaActions("nightly", RunsOn = ["debian-12"], OnCronSchedule = "*/30 2 * * 1-5", On = [GiteaActionsTrigger.WorkflowDispatch], InvokedTargets = [nameof(Work)])]
internal sealed class ScheduledWorkflowBuild : NukeBuild
{
    Target Work => _ => _.Executes(() => Recorder.Add(nameof(Work)));
}

/// <summary>Base of the builds with one mistake each in their [GiteaActions] attribute.</summary>
internal abstract class BrokenWorkflowBuild : NukeBuild
{
    [Parameter("Version")] protected readonly string? Version;
    [Parameter("Shards")] protected readonly string[] Shards = [];
    [Parameter("Parallelism")] protected readonly int Parallelism = 1;
    [Parameter("Key")][Secret] protected readonly string? ApiKey;
    [Parameter("Token")][Secret] protected readonly string? GiteaToken;

    Target Compile => _ => _.Executes(() => Recorder.Add(nameof(Compile)));

    protected internal override IReadOnlyList<string>? WorkflowMatrix(string parameter) => parameter == nameof(Shards) ? ["a", "b"] : null;
}

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], InvokedTargets = ["Compiel"])]
internal sealed class UnknownTargetWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], OnWorkflowDispatchRequiredInputs = ["Verison"], InvokedTargets = ["Compile"])]
internal sealed class UnknownInputWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], ImportSecrets = ["ApiKye"], InvokedTargets = ["Compile"])]
internal sealed class UnknownSecretWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], ImportSecrets = ["Version"], InvokedTargets = ["Compile"])]
internal sealed class PlainParameterAsSecretWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], ImportVariables = ["ApiKey"], InvokedTargets = ["Compile"])]
internal sealed class SecretAsVariableWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], MatrixParameter = "Shard", InvokedTargets = ["Compile"])]
internal sealed class UnknownMatrixWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], MatrixParameter = "Parallelism", InvokedTargets = ["Compile"])]
internal sealed class ScalarMatrixWorkflowBuild : BrokenWorkflowBuild;

/// <summary>A matrix over a string[] parameter, but the build does not override WorkflowMatrix.</summary>
[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], MatrixParameter = nameof(Shards), InvokedTargets = [nameof(Compile)])]
internal sealed class NoMatrixValuesWorkflowBuild : NukeBuild
{
    [Parameter("Shards")] readonly string[] Shards = [];

    Target Compile => _ => _.Executes(() => Recorder.Add(nameof(Compile)));
}

[GiteaActions("bad", RunsOn = ["debian-12"], OnWorkflowDispatchRequiredInputs = ["Version"], ImportVariables = ["Version"], InvokedTargets = ["Compile"])]
internal sealed class TwiceImportedWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], ImportSecrets = ["GiteaToken"], InvokedTargets = ["Compile"])]
internal sealed class ReservedSecretNameWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], ImportContext = ["Version=$(id)"], InvokedTargets = ["Compile"])]
internal sealed class BadContextWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], InvokedTargets = ["Compile"])]
internal sealed class NoTriggerWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", On = [GiteaActionsTrigger.Push], InvokedTargets = ["Compile"])]
internal sealed class NoRunnerWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], PublishArtifacts = ["../secrets"], InvokedTargets = ["Compile"])]
internal sealed class OutsideArtifactWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], TimeoutMinutes = -5, InvokedTargets = ["Compile"])]
internal sealed class NegativeTimeoutWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], OnCronSchedule = "every hour", InvokedTargets = ["Compile"])]
internal sealed class BadCronWorkflowBuild : BrokenWorkflowBuild;

[GiteaActions("bad name", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], InvokedTargets = ["Compile"])]
internal sealed class BadNameWorkflowBuild : BrokenWorkflowBuild;
