using System.Diagnostics;
using System.Linq.Expressions;

namespace TemplateFleet.Host;

/// <summary>
/// NUKE's planning: invoked targets plus their dependencies, ordered by every edge,
/// then --skip and static conditions applied before anything runs.
/// </summary>
internal static class ExecutionPlanner
{
    public static IReadOnlyList<ExecutableTarget> Plan(
        IReadOnlyList<ExecutableTarget> invoked,
        IReadOnlyList<ExecutableTarget>? skipped)
    {
        // The invoked targets, then their dependencies breadth first, each with why it is in the plan.
        foreach (var target in invoked)
            (target.Invoked, target.Reason) = (true, "invoked");

        var scheduled = invoked.ToList();
        for (var i = 0; i < scheduled.Count; i++)
        {
            foreach (var other in scheduled[i].DependsOnList.Where(o => !scheduled.Contains(o)))
            {
                other.Reason = $"dependency of {scheduled[i].Name}";
                scheduled.Add(other);
            }
        }

        // Ties go to declaration order; the graph is acyclic (checked when it was built), so a ready target always exists.
        var plan = InOrder(scheduled.OrderBy(t => t.DeclarationIndex), t => t.OrderAfter, (_, _) => new UnreachableException());
        foreach (var target in plan)
            target.Status = ExecutionStatus.Scheduled;

        if (skipped is not null)
        {
            // "--skip" alone skips everything that was not invoked, NUKE's shortcut for "just this target".
            var skipSet = skipped.Count == 0 ? plan.Where(t => !t.Invoked).ToList() : skipped;
            foreach (var target in skipSet.Where(plan.Contains))
                target.Skip(skipped.Count == 0 ? "skipped: --skip (not invoked)" : "skipped: --skip");
        }

        foreach (var target in plan.Where(t => t.Status == ExecutionStatus.Scheduled))
        {
            if (target.StaticConditions.FirstOrDefault(c => !Evaluate(target, c, "OnlyWhenStatic")) is { } failed)
                target.Skip($"skipped: OnlyWhenStatic({Describe(failed)}) is false");
        }

        return plan;
    }

    public static bool Evaluate(ExecutableTarget target, Expression<Func<bool>> condition, string kind)
    {
        try
        {
            return condition.Compile(preferInterpretation: true)();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidUsageException($"Target '{target.Name}': {kind}({Describe(condition)}) threw {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The condition as the user wrote it: "IsServerBuild" rather than "value(Build).IsServerBuild".</summary>
    public static string Describe(Expression<Func<bool>> condition) =>
        System.Text.RegularExpressions.Regex.Replace(condition.Body.ToString(), @"value\([^)]*\)\.", "");

    /// <summary>
    /// Topological order (Kahn's): each time the first pending item, in the order given, that waits for no pending one, so
    /// ties keep that order and the result is stable. When every pending item waits for another (a cycle),
    /// <paramref name="stuck"/> makes the error from the first pending item and all pending ones.
    /// </summary>
    public static List<T> InOrder<T>(IEnumerable<T> items, Func<T, IEnumerable<T>> after, Func<T, List<T>, Exception> stuck)
        where T : class
    {
        var pending = items.ToList();
        var ordered = new List<T>();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(t => !after(t).Any(pending.Contains)) ?? throw stuck(pending[0], pending);
            ordered.Add(ready);
            pending.Remove(ready);
        }

        return ordered;
    }
}
