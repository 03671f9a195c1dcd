using TemplateFleet.Fleet;

namespace TemplateFleet.Reports;

/// <summary>The note in the build's summary table for a gate, e.g. "3/4 templates".</summary>
public static class SummaryNote
{
    public static string For(IReadOnlyCollection<GateResult> results) =>
        $"{results.Count(r => r.Passed)}/{results.Count} templates";
}
