namespace TemplateFleet.Host;

/// <summary>--plan: the execution order with the reason each target is there (or skipped).</summary>
internal static class PlanWriter
{
    public static void Write(TextWriter output, IReadOnlyList<ExecutableTarget> plan)
    {
        var invoked = plan.Where(t => t.Invoked).Select(t => t.Name);
        output.WriteLine($"Execution plan for {string.Join(", ", invoked)} ({plan.Count} targets):");
        var width = plan.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 3;
        var index = 1;
        foreach (var target in plan)
        {
            var flags = new[]
            {
                target.DynamicConditions.Count > 0 ? $"only when {string.Join(" and ", target.DynamicConditions.Select(ExecutionPlanner.Describe))}" : null,
                target.IsProceedAfterFailure ? "proceeds after failure" : null,
                target.HasActions ? null : "collective",
            }.OfType<string>().ToList();
            var suffix = flags.Count > 0 ? $" [{string.Join("; ", flags)}]" : "";
            output.WriteLine($"  {index++,2}. {target.Name.PadRight(width)}{target.Reason}{suffix}");
        }
    }
}
