using Serilog;
using TemplateFleet.Host;
using TemplateFleet.Results;

namespace TemplateFleet.Reports;

/// <summary>Writes &lt;dir&gt;/&lt;gate&gt;.junit.xml and &lt;gate&gt;.md, and appends the markdown to $GITHUB_STEP_SUMMARY when set.</summary>
public static class ReportFiles
{
    public const string StepSummaryVariable = "GITHUB_STEP_SUMMARY";

    public static (string JUnit, string Markdown) Write(string directory, string gate, IReadOnlyCollection<GateResult> results, SecretMasker masker,
        bool listPassing = true)
    {
        Directory.CreateDirectory(directory);
        var junit = Path.Combine(directory, $"{gate}.junit.xml");
        var markdown = Path.Combine(directory, $"{gate}.md");
        JUnitReport.Render(gate, results, masker).Save(junit);
        var md = MarkdownReport.Render(gate, results, masker, listPassing);
        File.WriteAllText(markdown, md);
        if (Environment.GetEnvironmentVariable(StepSummaryVariable) is { Length: > 0 } summary)
            File.AppendAllText(summary, md + "\n");
        Log.Information("Reports: {JUnit}, {Markdown}", junit, markdown);
        return (junit, markdown);
    }
}
