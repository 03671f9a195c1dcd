using System.Globalization;

namespace TemplateFleet.Host;

/// <summary>The table NUKE prints at the end of every run: Target | Status | Duration | Note, total, verdict.</summary>
internal static class SummaryWriter
{
    public static void Write(TextWriter output, IReadOnlyList<ExecutableTarget> plan, TimeSpan total, bool succeeded, bool color, DateTimeOffset finishedAt)
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
    private const string Yellow = "\u001b[33m";
    private const string Gray = "\u001b[90m";
    private const string Reset = "\u001b[0m";

    private static string Paint(string text, ExecutionStatus status, bool color) => !color
        ? text
        : status switch
        {
            ExecutionStatus.Succeeded or ExecutionStatus.Collective => Green + text + Reset,
            ExecutionStatus.Failed => Red + text + Reset,
            ExecutionStatus.Skipped => Yellow + text + Reset,
            _ => Gray + text + Reset,
        };
}
