using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Serilog;
using TemplateFleet.Host;
using TemplateFleet.Results;

namespace TemplateFleet.Reports;

/// <summary>
/// One gate's results for each audience, from the same records: a plain-text table per template and check for the log,
/// markdown for the step summary, JUnit XML for CI, and the files they are written to.
/// </summary>
public static class GateReport
{
    public const string StepSummaryVariable = "GITHUB_STEP_SUMMARY";

    /// <summary>Writes &lt;dir&gt;/&lt;gate&gt;.junit.xml and &lt;gate&gt;.md, and appends the markdown to $GITHUB_STEP_SUMMARY when set.</summary>
    public static (string JUnit, string Markdown) Write(string directory, string gate, IReadOnlyCollection<GateResult> results, SecretMasker masker,
        bool listPassing = true)
    {
        Directory.CreateDirectory(directory);
        var junit = Path.Combine(directory, $"{gate}.junit.xml");
        var markdown = Path.Combine(directory, $"{gate}.md");
        RenderJUnit(gate, results, masker).Save(junit);
        var md = RenderMarkdown(gate, results, masker, listPassing);
        File.WriteAllText(markdown, md);
        if (Environment.GetEnvironmentVariable(StepSummaryVariable) is { Length: > 0 } summary)
            File.AppendAllText(summary, md + "\n");
        Log.Information("Reports: {JUnit}, {Markdown}", junit, markdown);
        return (junit, markdown);
    }

    /// <summary>A plain-text table per template and check, with the reason for every failure.</summary>
    /// <param name="listPassing">false: only the failing checks, and a line with how many passed.</param>
    public static string RenderText(IEnumerable<GateResult> results, SecretMasker masker, bool listPassing = true)
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

    /// <summary>A markdown summary per gate (shape and missing capabilities at the top of each template section).</summary>
    /// <param name="listPassing">false: the table holds the failing checks only, and says how many passed.</param>
    public static string RenderMarkdown(string gate, IReadOnlyCollection<GateResult> results, SecretMasker masker, bool listPassing = true)
    {
        var sb = new StringBuilder($"## {gate}: {SummaryNote.For(results)} passed\n");
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
                sb.Append("\n<details><summary>").Append(c.Id).Append("</summary>\n\n```\n").Append(masker.Apply(Details(c))).Append("\n```\n</details>\n");
        }
        return sb.ToString();
    }

    static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>
    /// JUnit XML for CI: one testsuite per template, one testcase per check; a failure carries rc, stdout,
    /// stderr and the sh -x trace; the provisioner shape and missing capabilities are suite properties.
    /// </summary>
    public static XDocument RenderJUnit(string gate, IEnumerable<GateResult> results, SecretMasker masker)
    {
        static string S(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var suites = results.Select(r =>
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", $"{gate}.{r.Template}"),
                new XAttribute("tests", Math.Max(r.Checks.Count, r.Error is null ? 0 : 1)),
                new XAttribute("failures", r.HardFailures.Count),
                new XAttribute("errors", r.Error is null ? 0 : 1),
                new XAttribute("time", S(r.Duration)),
                new XElement("properties",
                    Property("shape", r.Shape),
                    Property("missingCapabilities", string.Join(",", r.MissingCapabilities))));
            if (r.Error is { } error)
                suite.Add(new XElement("testcase", new XAttribute("classname", $"{gate}.{r.Template}"), new XAttribute("name", "setup"),
                    new XElement("error", new XAttribute("message", masker.Apply(error.Split('\n')[0])), masker.Apply(error))));
            foreach (var c in r.Checks)
            {
                var testcase = new XElement("testcase",
                    new XAttribute("classname", $"{gate}.{r.Template}"),
                    new XAttribute("name", c.Id),
                    new XAttribute("time", S(c.Duration)));
                if (!c.Passed)
                {
                    // A soft failure is reported as skipped-with-message so CI shows it without failing the job.
                    var element = c.Severity == Severity.Hard ? "failure" : "skipped";
                    testcase.Add(new XElement(element, new XAttribute("message", masker.Apply(c.Reason ?? "failed")), masker.Apply(Details(c))));
                }
                testcase.Add(new XElement("system-out", masker.Apply(c.Stdout)));
                suite.Add(testcase);
            }
            return suite;
        });
        return new XDocument(new XElement("testsuites", new XAttribute("name", gate), suites));
    }

    static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));

    internal static string Details(CheckResult c) =>
        $"{c.Description}\nrc: {(c.TimedOut ? "timed out" : c.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none")}\n" +
        $"--- stdout ---\n{c.Stdout.TrimEnd()}\n--- stderr ---\n{c.Stderr.TrimEnd()}" +
        (c.Trace is null ? "" : $"\n--- sh -x trace (tail) ---\n{c.Trace.TrimEnd()}");
}
