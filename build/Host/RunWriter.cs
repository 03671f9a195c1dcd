using System.Globalization;

namespace TemplateFleet.Host;

/// <summary>What a run prints besides the log: the help, the plan and the summary table.</summary>
internal static class RunWriter
{
    private static readonly (string Option, string Text)[] HostOptions =
    [
        ("--target <names>", "Targets to run (same as naming them first)"),
        ("--skip [<names>]", "Skip these targets; without names, skip all but the invoked ones"),
        ("--plan", "Print the execution order with reasons and exit"),
        ("--root <dir>", "Repository root (default: nearest ancestor holding .nuke/)"),
        ("--verbosity <level>", "quiet | minimal | normal | verbose"),
        ("--no-logo", "Do not print the logo"),
        ("--generate-schema", "Write .nuke/build.schema.json and exit"),
        ("--generate-configuration", "Write .gitea/workflows/ from the build's [GiteaActions] attributes and exit"),
        ("--help, -h", "Show this help"),
    ];

    /// <summary>./build.sh without a target: targets with their dependencies, parameters with their current value and its source.</summary>
    public static void Help(TextWriter output, NukeBuild build, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        output.WriteLine("Usage: ./build.sh [targets] [--option value...]");
        output.WriteLine();
        output.WriteLine("Targets (with their direct dependencies):");
        var listed = targets.Where(t => t.Listed).ToList();
        var width = listed.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 4;
        foreach (var target in listed)
        {
            output.WriteLine($"  {target.Name.PadRight(width)}{target.Description}".TrimEnd());
            if (target.DependsOnList.Count > 0)
                output.WriteLine($"  {"".PadRight(width)}-> {string.Join(", ", target.DependsOnList.Select(d => d.Name))}");
        }

        output.WriteLine();
        output.WriteLine("Parameters (value and where it comes from):");
        var pwidth = parameters.Select(p => p.CommandLineName.Length + p.TypeName.Length + 3).DefaultIfEmpty(0).Max() + 4;
        foreach (var parameter in parameters)
        {
            var head = $"{parameter.CommandLineName} <{parameter.TypeName}>";
            output.WriteLine($"  {head.PadRight(pwidth)}{parameter.Description}".TrimEnd());
            output.WriteLine($"  {"".PadRight(pwidth)}= {parameter.Display(build)}  ({parameter.Source}){(parameter.IsSecret ? " [secret]" : "")}");
        }

        output.WriteLine();
        output.WriteLine("Options:");
        var owidth = HostOptions.Max(o => o.Option.Length) + 4;
        foreach (var (option, text) in HostOptions)
            output.WriteLine($"  {option.PadRight(owidth)}{text}");

        output.WriteLine();
        output.WriteLine("Parameter values, first hit wins: command line (--kebab-case), environment (NAME or NUKE_NAME),");
        output.WriteLine(".nuke/parameters.json, the default.");
    }

    /// <summary>--plan: the execution order with the reason each target is there (or skipped).</summary>
    public static void Plan(TextWriter output, IReadOnlyList<ExecutableTarget> plan)
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

    /// <summary>The table NUKE prints at the end of every run: Target | Status | Duration | Note, total, verdict.</summary>
    public static void Summary(TextWriter output, IReadOnlyList<ExecutableTarget> plan, TimeSpan total, bool succeeded, bool color, DateTimeOffset finishedAt)
    {
        var nameWidth = Math.Max("Target".Length, plan.Select(t => t.Name.Length).DefaultIfEmpty(0).Max()) + 3;
        const int statusWidth = 13;
        const int durationWidth = 11;
        var rows = plan.Select(t => (t, Note(t))).ToList();
        var width = nameWidth + statusWidth + durationWidth + Math.Max(4, rows.Select(r => r.Item2.Length).DefaultIfEmpty(0).Max());
        var heavy = new string('═', width);
        var light = new string('─', width);

        output.WriteLine();
        output.WriteLine(heavy);
        output.WriteLine($"{"Target".PadRight(nameWidth)}{"Status".PadRight(statusWidth)}{"Duration".PadRight(durationWidth)}Note");
        output.WriteLine(light);
        foreach (var (target, note) in rows)
        {
            var status = Paint(target.Status.ToString().PadRight(statusWidth), target.Status, color);
            var duration = target.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Collective
                ? Format(target.Duration)
                : "";
            output.WriteLine($"{target.Name.PadRight(nameWidth)}{status}{duration.PadRight(durationWidth)}{note}".TrimEnd());
        }

        output.WriteLine(light);
        output.WriteLine($"{"Total".PadRight(nameWidth)}{"".PadRight(statusWidth)}{Format(total)}");
        output.WriteLine(heavy);
        output.WriteLine();
        var verdict = $"Build {(succeeded ? "succeeded" : "failed")} on {finishedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}.";
        output.WriteLine(color ? $"{(succeeded ? Green : Red)}{verdict}{Reset}" : verdict);
    }

    /// <summary>The ReportSummary pairs; for a target that did not succeed, why.</summary>
    private static string Note(ExecutableTarget target)
    {
        var pairs = string.Join(", ", target.SummaryInformation.Select(p => p.Value.Length > 0 ? $"{p.Key} {p.Value}" : p.Key));
        var why = target.Status is ExecutionStatus.Failed or ExecutionStatus.NotRun or ExecutionStatus.Skipped ? target.Reason : null;
        if (why is { Length: > 80 })
            why = why[..77] + "...";

        return string.Join(" | ", new[] { pairs, why }.Where(s => !string.IsNullOrEmpty(s)));
    }

    private static string Format(TimeSpan duration) => duration.TotalSeconds < 1
        ? "< 1sec"
        : duration.ToString(duration.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    private const string Green = "\u001b[32m";
    private const string Red = "\u001b[31m";
    private const string Reset = "\u001b[0m";

    private static string Paint(string text, ExecutionStatus status, bool color) => !color ? text : status switch
    {
        ExecutionStatus.Succeeded or ExecutionStatus.Collective => Green,
        ExecutionStatus.Failed => Red,
        ExecutionStatus.Skipped => "\u001b[33m", // yellow
        _ => "\u001b[90m", // gray
    } + text + Reset;
}
