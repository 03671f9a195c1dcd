using System.Globalization;
using System.Xml.Linq;
using TemplateFleet.Host;
using TemplateFleet.Results;

namespace TemplateFleet.Reports;

/// <summary>
/// JUnit XML for CI: one testsuite per template, one testcase per check; a failure carries rc, stdout,
/// stderr and the sh -x trace; the provisioner shape and missing capabilities are suite properties.
/// </summary>
public static class JUnitReport
{
    public static XDocument Render(string gate, IEnumerable<GateResult> results, SecretMasker masker)
    {
        static string S(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var suites = results.Select(r =>
        {
            var failures = r.HardFailures.Count;
            var suite = new XElement("testsuite",
                new XAttribute("name", $"{gate}.{r.Template}"),
                new XAttribute("tests", Math.Max(r.Checks.Count, r.Error is null ? 0 : 1)),
                new XAttribute("failures", failures),
                new XAttribute("errors", r.Error is null ? 0 : 1),
                new XAttribute("time", S(r.Duration)),
                new XElement("properties",
                    Property("shape", r.Shape),
                    Property("missingCapabilities", string.Join(",", r.MissingCapabilities))));
            if (r.Error is { } error)
            {
                suite.Add(new XElement("testcase", new XAttribute("classname", $"{gate}.{r.Template}"), new XAttribute("name", "setup"),
                    new XElement("error", new XAttribute("message", masker.Apply(error.Split('\n')[0])), masker.Apply(error))));
            }
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
