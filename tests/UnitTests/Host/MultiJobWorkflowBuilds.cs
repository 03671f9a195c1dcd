using TemplateFleet.Host;
#pragma warning disable CS0649, CS0169 // [Parameter] fields are assigned by the host through reflection.

namespace TemplateFleet.UnitTests.Host;

/// <summary>A release in three jobs, declared out of order: a first job hands two values on, a matrix fans out
/// FROM them, and a last job collects every artifact, also when the others failed.</summary>
[GiteaActions("release", RunsOn = ["debian-12"], OnPushBranches = ["main"], ImportVariables = [nameof(Feed)], TimeoutMinutes = 60)]
[GiteaActionsJob("release", "collect", Needs = ["prepare", "shards"], Always = true, InvokedTargets = [nameof(Collect)],
    DownloadArtifacts = ["output/jobs"], ImportSecrets = [nameof(ForgeToken)], ImportContext = [$"{nameof(Repository)}=github.repository"])]
[GiteaActionsJob("release", "shards", Needs = ["prepare"], MatrixParameter = nameof(Shards), InvokedTargets = [nameof(Test)], TimeoutMinutes = 20,
    ImportOutputs = [nameof(Base), nameof(Version)], ImportSecrets = [nameof(ApiKey)], PublishArtifacts = ["output/results", "output/logs"])]
[GiteaActionsJob("release", "prepare", InvokedTargets = [nameof(Prepare)], Outputs = [nameof(Base), nameof(Version)],
    ImportSecrets = [nameof(ApiKey)], PublishArtifacts = ["output/results"])]
internal sealed class MultiJobWorkflowBuild : NukeBuild
{
    [Parameter("Version")] readonly string? Version;
    [Parameter("Base image")] readonly string? Base;
    [Parameter("Shards")] readonly string[] Shards = [];
    [Parameter("Feed")] readonly string? Feed;
    [Parameter("owner/name")] readonly string? Repository;
    [Parameter("Key")][Secret] readonly string? ApiKey;
    [Parameter("Forge token")][Secret] readonly string? ForgeToken;

    Target Prepare => _ => _.Executes(() =>
    {
        WriteOutput(nameof(Base), "registry/base@sha256:0123");
        WriteOutput(nameof(Version), "1.2.3");
    });

    Target Test => _ => _.Executes(() => Recorder.Add(nameof(Test)));
    Target Collect => _ => _.Executes(() => Recorder.Add(nameof(Collect)));
    Target Leak => _ => _.Executes(() => WriteOutput(nameof(ApiKey), "x"));

    protected internal override IReadOnlyList<string>? WorkflowMatrix(string parameter) => parameter == nameof(Shards) ? ["a", "b"] : null;
}

/// <summary>Base of the multi-job builds with one mistake each.</summary>
internal abstract class BrokenJobsBuild : NukeBuild
{
    [Parameter("Version")] protected readonly string? Version;
    [Parameter("Shards")] protected readonly string[] Shards = [];

    Target Compile => _ => _.Executes(() => Recorder.Add(nameof(Compile)));

    protected internal override IReadOnlyList<string>? WorkflowMatrix(string parameter) => ["a"];
}

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push])]
[GiteaActionsJob("bad", "a", InvokedTargets = ["Compile"], Needs = ["b"])]
[GiteaActionsJob("bad", "b", InvokedTargets = ["Compile"], Needs = ["a"])]
internal sealed class CyclicJobsBuild : BrokenJobsBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push])]
[GiteaActionsJob("bad", "a", InvokedTargets = ["Compile"], Needs = ["bulid"])]
[GiteaActionsJob("bad", "build", InvokedTargets = ["Compile"])]
internal sealed class UnknownNeedBuild : BrokenJobsBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push])]
[GiteaActionsJob("bad", "a", InvokedTargets = ["Compile"], MatrixParameter = "Shards", Outputs = ["Version"])]
internal sealed class MatrixOutputBuild : BrokenJobsBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push])]
[GiteaActionsJob("bad", "a", InvokedTargets = ["Compile"])]
[GiteaActionsJob("bad", "b", InvokedTargets = ["Compile"], Needs = ["a"], ImportOutputs = ["Version"])]
internal sealed class MissingOutputBuild : BrokenJobsBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push], InvokedTargets = ["Compile"])]
[GiteaActionsJob("bad", "a", InvokedTargets = ["Compile"])]
internal sealed class TargetsOnBothBuild : BrokenJobsBuild;

[GiteaActions("bad", RunsOn = ["debian-12"], On = [GiteaActionsTrigger.Push])]
[GiteaActionsJob("bda", "a", InvokedTargets = ["Compile"])]
internal sealed class OrphanJobBuild : BrokenJobsBuild;
