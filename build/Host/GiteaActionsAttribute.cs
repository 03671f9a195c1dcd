namespace TemplateFleet.Host;

/// <summary>
/// Declares a Gitea Actions workflow, <c>.gitea/workflows/&lt;name&gt;.yml</c>, that runs <c>./build.sh</c> with
/// <see cref="InvokedTargets"/> (NUKE's <c>[GitHubActions]</c>). <c>./build.sh --generate-configuration</c> writes it.
/// Names of targets and parameters are given with <c>nameof</c>; generation fails on any it does not know.
/// Values reach the step only through <c>env:</c> under the parameter's environment name, never in the
/// <c>run:</c> line, so no input can inject shell.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GiteaActionsAttribute(string name) : GiteaActionsJobSettings
{
    /// <summary>The workflow's <c>concurrency.group</c> (an expression): one run of the group at a time, a queued one waits
    /// (<c>cancel-in-progress: false</c>). Gitea honours it from 1.26 and ignores it before (docs/keeping-current.md).</summary>
    public string? Concurrency { get; set; }

    /// <summary>The workflow's name and file name; also the job id.</summary>
    public string Name { get; } = name;

    /// <summary>Runner label(s) the job needs; one at least.</summary>
    public string[] RunsOn { get; set; } = [];

    /// <summary>Events without filters; <see cref="OnPushBranches"/> and the inputs imply their event.</summary>
    public GiteaActionsTrigger[] On { get; set; } = [];
    public string[] OnPushBranches { get; set; } = [];

    /// <summary>A cron schedule (NUKE's OnCronSchedule), five fields in UTC, e.g. "17 * * * *"; Gitea runs schedules from 1.21, on the default branch.</summary>
    public string? OnCronSchedule { get; set; }

    /// <summary>Parameters asked for when the workflow is dispatched (by hand or through the API).</summary>
    public string[] OnWorkflowDispatchRequiredInputs { get; set; } = [];
    public string[] OnWorkflowDispatchOptionalInputs { get; set; } = [];

    /// <summary>Parameters from configuration variables of the same name: <c>${{ vars.REGISTRY }}</c>.</summary>
    public string[] ImportVariables { get; set; } = [];
}

/// <summary>
/// What a workflow of one job and each [GiteaActionsJob] declare alike. On a workflow with job attributes, its
/// ImportSecrets and ImportContext reach every job, and the targets, matrix and artifacts belong to the jobs.
/// </summary>
public abstract class GiteaActionsJobSettings : Attribute
{
    /// <summary>Targets run by the job's build step, in this order.</summary>
    public string[] InvokedTargets { get; set; } = [];

    /// <summary>A string[] parameter: one job per value the build's <see cref="NukeBuild.WorkflowMatrix"/> returns, none cancelling the others.</summary>
    public string? MatrixParameter { get; set; }

    /// <summary>[Secret] parameters, each from the secret of its environment name: <c>${{ secrets.REGISTRY_PASSWORD }}</c>.</summary>
    public string[] ImportSecrets { get; set; } = [];

    /// <summary>"Parameter=github.property" pairs: parameters from the run's context, e.g. <c>${{ github.repository }}</c>.</summary>
    public string[] ImportContext { get; set; } = [];

    /// <summary>The job's <c>timeout-minutes</c> (act cancels a job that runs longer); on a workflow, every job's that sets none. 0: none.</summary>
    public int TimeoutMinutes { get; set; }

    /// <summary>Paths (relative to the root) uploaded as artifacts when the job ends, also when it failed; in a workflow
    /// of several jobs named &lt;job&gt;-&lt;last folder&gt;[-&lt;matrix value&gt;].</summary>
    public string[] PublishArtifacts { get; set; } = [];
}

/// <summary>
/// One job of a multi-job [GiteaActions] workflow (nuke-build/nuke#953): the workflow attribute keeps the
/// triggers, inputs, runner and variables; each job runs <c>./build.sh</c> with its own targets, after the jobs it
/// <see cref="Needs"/>, and hands values on through job outputs and artifacts. A workflow with job attributes
/// has no targets, matrix or artifacts of its own. Names are checked as for the workflow; values still reach
/// the build step only through <c>env:</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GiteaActionsJobAttribute(string workflow, string id) : GiteaActionsJobSettings
{
    /// <summary>The [GiteaActions] workflow this job belongs to.</summary>
    public string Workflow { get; } = workflow;

    /// <summary>The job id (letters, digits, '-' and '_').</summary>
    public string Id { get; } = id;

    /// <summary>Jobs of the same workflow that must finish first; a job whose needs failed does not run unless <see cref="Always"/>.</summary>
    public string[] Needs { get; set; } = [];

    /// <summary><c>if: always()</c>: runs when a needed job failed or was skipped (a job that collects what the others left).</summary>
    public bool Always { get; set; }

    /// <summary>Parameters whose settled value the build step hands on (<see cref="NukeBuild.WriteOutput"/>): the job's outputs, named
    /// after the parameter (base_image). Not on a matrix job (its outputs would be any one value of the matrix).</summary>
    public string[] Outputs { get; set; } = [];

    /// <summary>Parameters taken from the output of the same name of a job this one needs: <c>${{ needs.base.outputs.base_image }}</c>.</summary>
    public string[] ImportOutputs { get; set; } = [];

    /// <summary>Folders (relative to the root) every artifact of the run is downloaded into before the build step, one sub-folder per artifact.</summary>
    public string[] DownloadArtifacts { get; set; } = [];
}

/// <summary>The events a generated workflow runs on (<see cref="GiteaActionsAttribute.On"/>).</summary>
public enum GiteaActionsTrigger
{
    Push,
    PullRequest,
    WorkflowDispatch,
}
