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
