using System.Linq.Expressions;

namespace TemplateFleet.Host;

/// <summary>A target, declared as NUKE declares it: <c>Target Restore =&gt; _ =&gt; _.Executes(...);</c></summary>
public delegate ITargetDefinition Target(ITargetDefinition _);

/// <summary>The fluent definition of one target; member names follow NUKE's ITargetDefinition.</summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string description);
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition After(params Target[] targets);
    ITargetDefinition Before(params Target[] targets);
    ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions);
    ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions);
    ITargetDefinition ProceedAfterFailure();
    ITargetDefinition Unlisted();

    /// <summary>
    /// A precondition of the target, checked for every target in the plan before any target runs (not for --plan, nor
    /// for a skipped target): NUKE's Requires, with the check's own message. It throws an
    /// <see cref="InvalidUsageException"/> (one line, exit 2) when what the target needs is missing.
    /// </summary>
    ITargetDefinition Requires(Action check);
    ITargetDefinition Executes(Action action);
    ITargetDefinition Executes(Func<Task> action);
}

/// <summary>A target: what its <see cref="Target"/> delegate declares, its edges to other targets, and its outcome in this run.</summary>
public sealed class ExecutableTarget : ITargetDefinition
{
    internal ExecutableTarget(string name, int declarationIndex, Target factory) =>
        (Name, DeclarationIndex, Factory) = (name, declarationIndex, factory);

    public string Name { get; }
    public string? Description { get; private set; }
    public bool Listed { get; private set; } = true;
    public bool Invoked { get; internal set; }

    public ExecutionStatus Status { get; internal set; } = ExecutionStatus.NotRun;
    public TimeSpan Duration { get; internal set; }
    /// <summary>Pairs reported by the target through <see cref="NukeBuild.ReportSummary"/>; shown in the summary table.</summary>
    public IDictionary<string, string> SummaryInformation { get; } = new Dictionary<string, string>();
    /// <summary>Why the target is in the plan (shown by --plan), or, in one line, why it is skipped, failed or did not run
    /// (shown in the summary).</summary>
    public string? Reason { get; internal set; }

    internal int DeclarationIndex { get; }
    internal Target Factory { get; }
    internal List<Target> DependsOnTargets { get; } = [];
    internal List<Target> AfterTargets { get; } = [];
    internal List<Target> BeforeTargets { get; } = [];
    internal List<Expression<Func<bool>>> StaticConditions { get; } = [];
    internal List<Expression<Func<bool>>> DynamicConditions { get; } = [];
    internal bool IsProceedAfterFailure { get; private set; }
    internal List<Action> Requirements { get; } = [];
    internal List<Func<Task>> Actions { get; } = [];
    internal List<ExecutableTarget> DependsOnList { get; } = [];
    /// <summary>Every target that must run before this one when both are in the plan.</summary>
    internal HashSet<ExecutableTarget> OrderAfter { get; } = [];

    internal bool HasActions => Actions.Count > 0;

    ITargetDefinition ITargetDefinition.Description(string description) => With(() => Description = description);
    ITargetDefinition ITargetDefinition.DependsOn(params Target[] targets) => With(() => DependsOnTargets.AddRange(targets));
    ITargetDefinition ITargetDefinition.After(params Target[] targets) => With(() => AfterTargets.AddRange(targets));
    ITargetDefinition ITargetDefinition.Before(params Target[] targets) => With(() => BeforeTargets.AddRange(targets));
    ITargetDefinition ITargetDefinition.OnlyWhenStatic(params Expression<Func<bool>>[] conditions) => With(() => StaticConditions.AddRange(conditions));
    ITargetDefinition ITargetDefinition.OnlyWhenDynamic(params Expression<Func<bool>>[] conditions) => With(() => DynamicConditions.AddRange(conditions));
    ITargetDefinition ITargetDefinition.ProceedAfterFailure() => With(() => IsProceedAfterFailure = true);
    ITargetDefinition ITargetDefinition.Unlisted() => With(() => Listed = false);
    ITargetDefinition ITargetDefinition.Requires(Action check) => With(() => Requirements.Add(check));
    ITargetDefinition ITargetDefinition.Executes(Func<Task> action) => With(() => Actions.Add(action));

    ITargetDefinition ITargetDefinition.Executes(Action action) => With(() => Actions.Add(() =>
    {
        action();
        return Task.CompletedTask;
    }));

    /// <summary>Marks the target skipped with <paramref name="reason"/>, shown as its note.</summary>
    internal void Skip(string reason) => (Status, Reason) = (ExecutionStatus.Skipped, reason);

    public override string ToString() => Name;

    /// <summary>Every member records one thing and hands the definition back for the next call.</summary>
    private ExecutableTarget With(Action record)
    {
        record();
        return this;
    }
}

/// <summary>A target's outcome, named as NUKE names it in its summary.</summary>
public enum ExecutionStatus
{
    Scheduled,
    NotRun,
    Skipped,
    Running,
    Succeeded,
    Failed,
    /// <summary>Ran, but has no actions of its own: it only groups its dependencies.</summary>
    Collective,
}
