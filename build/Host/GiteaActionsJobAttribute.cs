namespace TemplateFleet.Host;

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
