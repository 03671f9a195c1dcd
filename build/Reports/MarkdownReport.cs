using System.Globalization;
using System.Text;
using TemplateFleet.Host;
using TemplateFleet.Results;

namespace TemplateFleet.Reports;

/// <summary>A markdown summary per gate (shape and missing capabilities at the top of each template section).</summary>
public static class MarkdownReport
{
    /// <param name="listPassing">false: the table holds the failing checks only, and says how many passed.</param>
    public static string Render(string gate, IReadOnlyCollection<GateResult> results, SecretMasker masker, bool listPassing = true)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"## {gate}: {SummaryNote.For(results)} passed\n");
        foreach (var r in results)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n### {(r.Passed ? "✅" : "❌")} {r.Template}\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"- shape: {(r.Shape.Length > 0 ? r.Shape : "n/a")}\n");
            sb.Append(CultureInfo.InvariantCulture, $"- missing capabilities: {(r.MissingCapabilities.Count > 0 ? string.Join(", ", r.MissingCapabilities) : "none")}\n");
            sb.Append(CultureInfo.InvariantCulture, $"- duration: {r.Duration.TotalSeconds:0.0} s\n");
            if (r.Error is { } error)
                sb.Append("\n**Could not run the checks:**\n\n```\n").Append(masker.Apply(error)).Append("\n```\n");
            if (!listPassing)
                sb.Append(CultureInfo.InvariantCulture, $"- checks: {r.Checks.Count(c => c.Passed)}/{r.Checks.Count} passed\n");
            var listed = listPassing ? r.Checks : r.Checks.Where(c => !c.Passed).ToList();
            if (listed.Count == 0)
                continue;
            sb.Append("\n| check | severity | result | duration | reason |\n| --- | --- | --- | --- | --- |\n");
            foreach (var c in listed)
            {
                var verdict = c.Passed ? "pass" : c.Severity == Severity.Soft ? "warn" : "**FAIL**";
                sb.Append(CultureInfo.InvariantCulture,
                    $"| `{c.Id}` | {c.Severity.ToString().ToLowerInvariant()} | {verdict} | {c.Duration.TotalSeconds:0.00} s | {Cell(masker.Apply(c.Reason ?? ""))} |\n");
            }
            foreach (var c in r.Checks.Where(c => !c.Passed))
                sb.Append("\n<details><summary>").Append(c.Id).Append("</summary>\n\n```\n").Append(masker.Apply(JUnitReport.Details(c))).Append("\n```\n</details>\n");
        }
        return sb.ToString();
    }

    static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
