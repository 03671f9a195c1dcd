using TemplateFleet.Fleet;

namespace TemplateFleet.Reports;

/// <summary>The note in the build's summary table for a gate, e.g. "3/4 templates".</summary>
public static class SummaryNote
{
    public static string For(IReadOnlyCollection<GateResult> results) => For(results, results.Count);

    /// <summary>Out of the <paramref name="asked"/> templates of the run: one that never got its checks run
    /// (its build failed, the engine was lost first) did not pass.</summary>
    public static string For(IReadOnlyCollection<GateResult> results, int asked) =>
        $"{results.Count(r => r.Passed)}/{asked} templates";
}
