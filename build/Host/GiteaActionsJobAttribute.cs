namespace TemplateFleet.Host;

/// <summary>
/// One job of a multi-job [GiteaActions] workflow (nuke-build/nuke#953): the workflow attribute keeps the
/// triggers, inputs, runner and variables; each job runs <c>./build.sh</c> with its own targets, after the jobs it
/// <see cref="Needs"/>, and hands values on through job outputs and artifacts. A workflow with job attributes
/// has no targets, matrix or artifacts of its own. Names are checked as for the workflow; values still reach
/// the build step only through <c>env:</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GiteaActionsJobAttribute(string workflow, string id) : Attribute
{
    /// <summary>The [GiteaActions] workflow this job belongs to.</summary>
    public string Workflow { get; } = workflow;

    /// <summary>The job id (letters, digits, '-' and '_').</summary>
    public string Id { get; } = id;

    /// <summary>Targets run by the job's build step, in this order.</summary>
    public string[] InvokedTargets { get; set; } = [];

    /// <summary>Jobs of the same workflow that must finish first; a job whose needs failed does not run unless <see cref="Always"/>.</summary>
    public string[] Needs { get; set; } = [];

    /// <summary><c>if: always()</c>: runs when a needed job failed or was skipped (a job that collects what the others left).</summary>
    public bool Always { get; set; }

    /// <summary>A string[] parameter: one job per value, none cancelling the others (as the workflow's MatrixParameter).</summary>
    public string? MatrixParameter { get; set; }

    /// <summary>Parameters whose settled value the build step hands on (<see cref="NukeBuild.WriteOutput"/>): the job's outputs, named
    /// after the parameter (base_image). Not on a matrix job (its outputs would be any one value of the matrix).</summary>
    public string[] Outputs { get; set; } = [];

    /// <summary>Parameters taken from the output of the same name of a job this one needs: <c>${{ needs.base.outputs.base_image }}</c>.</summary>
    public string[] ImportOutputs { get; set; } = [];

    /// <summary>As the workflow's: <c>${{ secrets.X }}</c>, for this job only.</summary>
    public string[] ImportSecrets { get; set; } = [];

    /// <summary>As the workflow's: "Parameter=github.property", for this job only.</summary>
    public string[] ImportContext { get; set; } = [];

    /// <summary>Paths uploaded as artifacts when the job ends, also when it failed; named &lt;job&gt;-&lt;last folder&gt;[-&lt;matrix value&gt;].</summary>
    public string[] PublishArtifacts { get; set; } = [];

    /// <summary>Folders (relative to the root) every artifact of the run is downloaded into before the build step, one sub-folder per artifact.</summary>
    public string[] DownloadArtifacts { get; set; } = [];
}
