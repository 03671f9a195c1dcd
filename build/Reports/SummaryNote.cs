using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Reports;

/// <summary>The notes in the build's summary table, read from the results, e.g. "3/4 templates".</summary>
public static class SummaryNote
{
    /// <summary>Out of the <paramref name="asked"/> templates of the run (default: those with results): one that never got
    /// its checks run (its build failed, the engine was lost first) did not pass.</summary>
    public static string For(IReadOnlyCollection<GateResult> results, int? asked = null) =>
        $"{results.Count(r => r.Passed)}/{asked ?? results.Count} templates";

    /// <summary>A gate's note: passed of the templates it checked; templates not checked count as not passed, unchanged ones are named apart.</summary>
    public static string ForGate(string gate, FleetRun run, ResultStore results) =>
        Note(run, t => results.Gate(gate, t.Name) is { Passed: true }, Unchanged(run, results));

    public static string Built(FleetRun run, ResultStore results) =>
        Note(run, t => results.Build(t.Name) is { Succeeded: true }, Unchanged(run, results));

    public static string Published(FleetRun run, ResultStore results) =>
        Note(run, t => results.Publish(t.Name)?.Status == PublishStatus.Published, run.Templates.Count(t => results.Publish(t.Name)?.Status == PublishStatus.Unchanged));

    static int Unchanged(FleetRun run, ResultStore results) => run.Templates.Count(t => results.Build(t.Name)?.Status == BuildStatus.Unchanged);

    /// <summary>"3/4 templates", out of the templates not unchanged since their pins, which are named apart.</summary>
    static string Note(FleetRun run, Func<Template, bool> done, int unchanged) =>
        $"{run.Templates.Count(done)}/{run.Templates.Count - unchanged} templates{(unchanged == 0 ? "" : $", {unchanged} unchanged since their pins")}";
}
