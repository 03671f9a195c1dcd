namespace TemplateFleet.Host;

/// <summary>A workflow resolved against the build class: every name checked, every value an expression.
/// One job named after the workflow, or the jobs its [GiteaActionsJob] attributes declare, in <c>needs</c> order.</summary>
internal sealed record Workflow(
    string Name,
    IReadOnlyList<WorkflowTrigger> Triggers,
    IReadOnlyList<WorkflowInput> Inputs,
    IReadOnlyList<WorkflowJob> Jobs,
    string? Concurrency = null)
{
    public const string Folder = ".gitea/workflows";

    public string RelativePath => $"{Folder}/{Name}.yml";

    /// <summary>An artifact is named after the last folder of its path (plus the matrix value in a matrix job).</summary>
    public static string ArtifactName(string path) => path.TrimEnd('/').Split('/')[^1];
}

/// <summary>One job: its runner, the jobs it needs, its one build step and what it hands on.</summary>
/// <param name="Outputs">Output ids the build step writes to $GITHUB_OUTPUT (the step's id is <see cref="BuildStepId"/>).</param>
/// <param name="Downloads">Folders every artifact of the run is downloaded into before the build step.</param>
internal sealed record WorkflowJob(
    string Id,
    IReadOnlyList<string> RunsOn,
    IReadOnlyList<string> Needs,
    bool Always,
    WorkflowMatrix? Matrix,
    IReadOnlyList<string> InvokedTargets,
    IReadOnlyList<WorkflowEnvironment> Environment,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<WorkflowArtifact> Uploads,
    IReadOnlyList<string> Downloads)
{
    public const string BuildStepId = "build";

    /// <summary>Only target names: values come through <see cref="Environment"/>.</summary>
    public string Command => "./build.sh " + string.Join(' ', InvokedTargets);
}

/// <summary>An artifact upload: its name (an expression with the matrix value in a matrix job) and the path.</summary>
internal sealed record WorkflowArtifact(string Name, string Path);

/// <summary>An event: "push" (optionally limited to branches), "pull_request" or "workflow_dispatch"; or "schedule" with its cron.</summary>
internal sealed record WorkflowTrigger(string Event, IReadOnlyList<string> Branches, string? Cron = null);

/// <summary>A workflow_dispatch input, named after its parameter in snake_case (runtime_version).</summary>
internal sealed record WorkflowInput(string Id, string Description, bool Required);

/// <summary>One job per value; the job sees its value as <c>${{ matrix.&lt;Key&gt; }}</c>.</summary>
internal sealed record WorkflowMatrix(string Key, IReadOnlyList<string> Values);

/// <summary>One <c>env:</c> entry of the build step: a parameter's environment name and the expression it reads.</summary>
internal sealed record WorkflowEnvironment(string Name, string Expression);
