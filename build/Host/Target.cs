using System.Linq.Expressions;

namespace TemplateFleet.Host;

/// <summary>A target, declared as NUKE declares it: <c>Target Restore =&gt; _ =&gt; _.Executes(...);</c></summary>
public delegate ITargetDefinition Target(ITargetDefinition _);

/// <summary>What happens to a statically skipped target's dependencies (NUKE's default is <see cref="Skip"/>).</summary>
public enum DependencyBehavior
{
    /// <summary>Dependencies needed only by skipped targets are skipped too.</summary>
    Skip,
    /// <summary>Dependencies still run.</summary>
    Execute,
}

/// <summary>The fluent definition of one target; member names follow NUKE's ITargetDefinition.</summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string description);
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition DependentFor(params Target[] targets);
    ITargetDefinition After(params Target[] targets);
    ITargetDefinition Before(params Target[] targets);
    ITargetDefinition Triggers(params Target[] targets);
    ITargetDefinition TriggeredBy(params Target[] targets);
    ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions);
    ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions);
    ITargetDefinition WhenSkipped(DependencyBehavior dependencyBehavior);
    ITargetDefinition ProceedAfterFailure();
    ITargetDefinition AssuredAfterFailure();
    ITargetDefinition Unlisted();
    ITargetDefinition Executes(Action action);
    ITargetDefinition Executes(Func<Task> action);
}
