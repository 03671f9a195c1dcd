namespace TemplateFleet.Host;

/// <summary>
/// Base of the build class, with NUKE's member names so moving to Nuke.Common later is mechanical.
/// Static members are per process, as in NUKE; <see cref="BuildRunner"/> sets them for each run.
/// </summary>
public abstract class NukeBuild
{
    /// <summary>The repository root: --root, else the nearest ancestor of the current directory holding .nuke/.</summary>
    public static AbsolutePath RootDirectory { get; internal set; } = AbsolutePath.Create(Directory.GetCurrentDirectory());
    public static Verbosity Verbosity { get; internal set; } = Verbosity.Normal;

    /// <summary>Cancelled on Ctrl-C; targets pass it to long operations.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>The environment the build was started with (NUKE's EnvironmentInfo.Variables); injectable, as tests run builds in-process.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Masks secrets in everything the run prints (console and log); a target adds values it learns while it runs
    /// (a credential a scan found), and they are masked from then on, as the [Secret] parameters are.</summary>
    public SecretMasker Masker { get; internal set; } = new();
    public IReadOnlyCollection<ExecutableTarget> ExecutionPlan { get; internal set; } = [];

    /// <summary>What the banner calls this build; the type name unless the build names itself.</summary>
    protected internal virtual string DisplayName => GetType().Name;

    /// <summary>
    /// Adds notes for the running target's row in the summary table:
    /// <c>ReportSummary(_ =&gt; _.AddPair("templates", "4/4"))</c>.
    /// </summary>
    public void ReportSummary(Action<IDictionary<string, string>> configurator) =>
        configurator((CurrentTarget ?? throw new InvalidOperationException("ReportSummary can only be called while a target runs.")).SummaryInformation);

    /// <summary>
    /// Hands a settled parameter value to the later jobs of a multi-job workflow: appends <c>&lt;id&gt;=&lt;value&gt;</c> to
    /// the file $GITHUB_OUTPUT names (how Gitea and GitHub Actions take step outputs), where the id is the parameter's
    /// environment name in lower case, as [GiteaActionsJob] Outputs declares it and a later job's ImportOutputs reads
    /// it. Outside CI (no GITHUB_OUTPUT) it does nothing. Secrets are never outputs.
    /// </summary>
    public void WriteOutput(string parameter, string value)
    {
        var descriptor = ParameterDescriptor.For(GetType()).FirstOrDefault(p => p.Name == parameter)
            ?? throw new ArgumentException($"'{parameter}' is not a parameter of {GetType().Name}", nameof(parameter));
        if (descriptor.IsSecret)
            throw new ArgumentException($"'{parameter}' is a [Secret] parameter: never a job output", nameof(parameter));
        if (value.Contains('\n') || value.Contains('\r'))
            throw new ArgumentException($"the value of output {descriptor.OutputId} spans lines", nameof(value));
        if (EnvironmentVariables.GetValueOrDefault(OutputVariable) is { Length: > 0 } file)
            File.AppendAllText(file, $"{descriptor.OutputId}={value}\n");
    }

    /// <summary>The variable naming the step's output file in Gitea and GitHub Actions.</summary>
    public const string OutputVariable = "GITHUB_OUTPUT";

    /// <summary>
    /// From OnBuildInitialized: skips every target still scheduled, with <paramref name="reason"/> as each one's note
    /// (a run that finds nothing to do ends successfully, like NUKE's static conditions but decided after the parameters
    /// were checked).
    /// </summary>
    protected void SkipScheduled(string reason)
    {
        foreach (var target in ExecutionPlan.Where(t => t.Status == ExecutionStatus.Scheduled))
            target.Skip(reason);
    }

    /// <summary>The target running now, whose summary row <see cref="ReportSummary"/> adds to.</summary>
    internal ExecutableTarget? CurrentTarget { get; set; }

    /// <summary>
    /// Called after parameters are bound and before any target. Throw <see cref="InvalidUsageException"/> (or a
    /// subtype) for a usage error: one line, exit 2, nothing runs.
    /// </summary>
    protected internal virtual void OnBuildInitialized() { }

    /// <summary>Called after the last target, before the summary, whatever the outcome.</summary>
    protected internal virtual void OnBuildFinished() { }

    /// <summary>
    /// The values a [GiteaActions] MatrixParameter fans out over, one job each (<c>--generate-configuration</c>);
    /// null: the build gives none. Read them from the repository, not from the machine.
    /// </summary>
    protected internal virtual IReadOnlyList<string>? WorkflowMatrix(string parameter) => null;

    /// <summary>The entry point: <c>public static int Main() =&gt; Execute&lt;Build&gt;();</c></summary>
    protected static int Execute<T>()
        where T : NukeBuild, new() =>
        BuildRunner.Run<T>(Environment.GetCommandLineArgs().Skip(1).ToArray(), BuildContextOptions.FromProcess());
}

/// <summary>Log verbosity, NUKE's four levels.</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Verbose,
}

/// <summary>NUKE's helper for <see cref="NukeBuild.ReportSummary"/>.</summary>
public static class SummaryExtensions
{
    public static IDictionary<string, string> AddPair<T>(this IDictionary<string, string> dictionary, string key, T? value)
    {
        dictionary[key] = value?.ToString() ?? "";
        return dictionary;
    }
}
