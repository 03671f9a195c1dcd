using System.Globalization;
using System.Text;
using TemplateFleet.Host;
using TemplateFleet.Results;

namespace TemplateFleet.Reports;

/// <summary>A plain-text table per template and check, with the reason for every failure.</summary>
public static class ConsoleReport
{
    /// <param name="listPassing">false: only the failing checks, and a line with how many passed.</param>
    public static string Render(IEnumerable<GateResult> results, SecretMasker masker, bool listPassing = true)
    {
        var sb = new StringBuilder();
        foreach (var r in results)
        {
            sb.Append('\n').Append(CultureInfo.InvariantCulture, $"{r.Gate} {r.Template}: {(r.Passed ? "PASSED" : "FAILED")} ({r.PassedChecks}/{r.Checks.Count} checks) in {r.Duration.TotalSeconds:0.0} s");
            if (r.Shape.Length > 0)
                sb.Append(CultureInfo.InvariantCulture, $"; shape: {r.Shape}");
            if (r.MissingCapabilities.Count > 0)
                sb.Append(CultureInfo.InvariantCulture, $"; missing capabilities: {string.Join(", ", r.MissingCapabilities)}");
            sb.Append('\n');
            if (r.Error is { } error)
                sb.Append("  ERROR ").Append(masker.Apply(error).Replace("\n", "\n        ", StringComparison.Ordinal)).Append('\n');
            var listed = listPassing ? r.Checks : r.Checks.Where(c => !c.Passed).ToList();
            if (listed.Count < r.Checks.Count)
                sb.Append(CultureInfo.InvariantCulture, $"  ({r.Checks.Count - listed.Count} passed; every check is in the JUnit report)\n");
            var width = listed.Select(c => c.Id.Length).DefaultIfEmpty(10).Max();
            foreach (var c in listed)
            {
                var verdict = c.Passed ? "pass" : c.Severity == Severity.Soft ? "WARN" : "FAIL";
                sb.Append(CultureInfo.InvariantCulture,
                    $"  {c.Id.PadRight(width)}  {c.Severity.ToString().ToLowerInvariant(),-4}  {verdict}  {c.Duration.TotalSeconds,5:0.00}s");
                if (!c.Passed)
                    sb.Append("  ").Append(masker.Apply(c.Reason ?? ""));
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }
}
