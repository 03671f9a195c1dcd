using System.Reflection;

namespace TemplateFleet.Host;

/// <summary>All targets of a build class with their edges resolved; rejects cycles and foreign references.</summary>
internal static class TargetGraph
{
    /// <summary>The targets in declaration order.</summary>
    public static IReadOnlyList<ExecutableTarget> Create(NukeBuild build)
    {
        var targets = new List<ExecutableTarget>();
        foreach (var property in FindTargetProperties(build.GetType()))
        {
            var target = new ExecutableTarget(property.Name, targets.Count, (Target)property.GetValue(build)!);
            target.Factory(target);
            targets.Add(target);
        }

        foreach (var target in targets)
        {
            target.DependsOnList.AddRange(Resolve(targets, target, target.DependsOnTargets, "DependsOn"));
            target.OrderAfter.UnionWith(target.DependsOnList);
            target.OrderAfter.UnionWith(Resolve(targets, target, target.AfterTargets, "After"));

            foreach (var other in Resolve(targets, target, target.BeforeTargets, "Before"))
                other.OrderAfter.Add(target);
        }

        ThrowOnCycle(targets);
        return targets;
    }

    /// <summary>The Target properties, base classes first, then the build class.</summary>
    private static IEnumerable<PropertyInfo> FindTargetProperties(Type buildType)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var hierarchy = new List<Type>();
        for (var type = buildType; type is not null && type != typeof(NukeBuild); type = type.BaseType)
            hierarchy.Insert(0, type);

        return hierarchy
            .SelectMany(t => t.GetProperties(flags).OrderBy(p => p.MetadataToken))
            .Where(p => p.PropertyType == typeof(Target) && p.GetMethod is not null)
            .DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <remarks>Delegates of the same expression-bodied property are equal (same method, same instance).</remarks>
    private static IEnumerable<ExecutableTarget> Resolve(List<ExecutableTarget> targets, ExecutableTarget owner, List<Target> references, string edge) =>
        references.Select(reference => targets.FirstOrDefault(t => t.Factory.Equals(reference))
            ?? targets.FirstOrDefault(t => t.Factory.Method == reference.Method)
            ?? throw new InvalidUsageException(
                $"Target '{owner.Name}' has {edge}(...) on a target that is not a Target property of the build class; reference targets by their property."));

    /// <summary>Orders every target once to find a cycle: then each target still pending waits for another pending one, and
    /// walking those edges from the first comes round to one. Printed in dependency direction: each waits for the next.</summary>
    private static void ThrowOnCycle(List<ExecutableTarget> targets) => ExecutionPlanner.InOrder(targets, t => t.OrderAfter, (first, pending) =>
    {
        ExecutableTarget Next(ExecutableTarget target) => target.OrderAfter.Where(pending.Contains).MinBy(t => t.DeclarationIndex)!;
        var walk = new List<ExecutableTarget>();
        for (var target = first; !walk.Contains(target); target = Next(target))
            walk.Add(target);
        var repeated = Next(walk[^1]);
        var cycle = walk.Skip(walk.IndexOf(repeated)).Append(repeated).Select(t => t.Name);
        return new InvalidUsageException($"Cycle: {string.Join(" -> ", cycle)} (each waits for the next). Remove one of these DependsOn/After/Before edges.");
    });
}
