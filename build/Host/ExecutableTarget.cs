namespace TemplateFleet.Host;

/// <summary>A resolved target: its definition, its edges to other targets, and its outcome in this run.</summary>
public sealed class ExecutableTarget
{
    internal ExecutableTarget(string name, int declarationIndex, Target factory, TargetDefinition definition) =>
        (Name, DeclarationIndex, Factory, Definition) = (name, declarationIndex, factory, definition);

    public string Name { get; }
    public string? Description => Definition.DescriptionText;
    public bool Listed => !Definition.IsUnlisted;
    public bool Invoked { get; internal set; }

    public ExecutionStatus Status { get; internal set; } = ExecutionStatus.NotRun;
    public TimeSpan Duration { get; internal set; }
    /// <summary>Pairs reported by the target through <see cref="NukeBuild.ReportSummary"/>; shown in the summary table.</summary>
    public IDictionary<string, string> SummaryInformation { get; } = new Dictionary<string, string>();
    /// <summary>Why the target is in the plan, or why it is skipped; shown by --plan.</summary>
    public string? Reason { get; internal set; }
    /// <summary>One line saying why a target did not succeed (failure or skip reason).</summary>
    public string? FailureMessage { get; internal set; }

    internal int DeclarationIndex { get; }
    internal Target Factory { get; }
    internal TargetDefinition Definition { get; }
    internal List<ExecutableTarget> DependsOnList { get; } = [];
    /// <summary>Every target that must run before this one when both are in the plan.</summary>
    internal HashSet<ExecutableTarget> OrderAfter { get; } = [];

    internal bool HasActions => Definition.Actions.Count > 0;

    public override string ToString() => Name;
}
