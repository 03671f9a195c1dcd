using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// One pytest run of a suite, read from the JUnit file pytest wrote (<c>-o junit_family=xunit1</c>, which keeps each
/// test's file and line; <c>-o junit_logging=out-err</c>, which keeps what it wrote) into one check per test.
/// A test that skipped, or a run that failed without a failing test (collection errors, no tests), fails too:
/// a template test that proves nothing is not a pass.
/// </summary>
public static partial class PytestReport
{
    /// <summary>pytest's exit code for "no tests collected" (pytest.ExitCode.NO_TESTS_COLLECTED).</summary>
    public const int NoTestsCollected = 5;

    const int ReasonChars = 600;

    /// <param name="junit">The file's text; null when pytest wrote none.</param>
    /// <param name="run">The pytest process: exit code and console output (used when the file says nothing).</param>
    /// <param name="testsuites">Receives the report's testsuite elements, named after the suite (for the template's JUnit).</param>
    public static IReadOnlyList<CheckResult> Read(TestSuite suite, string? junit, ExecOutcome run, List<XElement>? testsuites = null)
    {
        if (run.TimedOut)
            return [SuiteCheck(suite, run, $"timed out after {suite.TimeoutSeconds} s (template.yaml or fleet.yaml tests.timeoutSeconds)")];
        XDocument? document = null;
        string? unreadable = null;
        try
        {
            document = junit is { Length: > 0 } ? XDocument.Parse(junit) : null;
        }
        catch (XmlException e)
        {
            unreadable = $"its JUnit report is not XML ({e.Message})";
        }
        var checks = document?.Descendants("testcase").Select(testcase => Test(suite, testcase)).ToList() ?? [];
        foreach (var element in document?.Root!.DescendantsAndSelf("testsuite") ?? [])
        {
            element.SetAttributeValue("name", suite.Name);
            testsuites?.Add(element);
        }

        // The run's own verdict must agree: pytest failing with no failing test to show for it (an internal error,
        // a usage error, no report) is a failure of the run itself, and so is a run that tested nothing.
        var failure = run.ExitCode == NoTestsCollected ? "pytest collected no tests (exit 5): a declared suite must test something"
            : run.ExitCode != 0 && checks.All(c => c.Passed)
                ? unreadable ?? (document is null ? $"pytest exited {run.ExitCode} and wrote no JUnit report" : $"pytest exited {run.ExitCode}")
            : checks.Count == 0 ? unreadable ?? "pytest reported no test"
            : null;
        if (failure is not null)
            checks.Add(SuiteCheck(suite, run, failure));
        return checks;
    }

    static CheckResult Test(TestSuite suite, XElement testcase)
    {
        var file = (string?)testcase.Attribute("file");
        var name = (string?)testcase.Attribute("name") ?? "?";
        var line = (string?)testcase.Attribute("line");
        var outcome = testcase.Elements().FirstOrDefault(e => e.Name.LocalName is "failure" or "error" or "skipped");
        var stdout = Captured(testcase, "system-out");
        var stderr = Captured(testcase, "system-err");
        string? reason = null;
        if (outcome is not null)
        {
            var message = ((string?)outcome.Attribute("message"))?.Trim();
            reason = outcome.Name.LocalName switch
            {
                "skipped" => $"skipped ({message ?? "no reason"}): a template test that skips proves nothing",
                "error" => $"error: {message ?? "in setup or teardown"}",
                _ => message is { Length: > 0 } ? message : "failed",
            };
            if (reason.Length > ReasonChars)
                reason = reason[..ReasonChars] + "...";
            // The traceback (assertion and source lines) first, then what the test wrote to stderr.
            stderr = outcome.Value.TrimEnd() + (stderr.Length > 0 ? "\n--- captured stderr ---\n" + stderr : "");
        }
        return new CheckResult
        {
            Id = TestId(suite, file, (string?)testcase.Attribute("classname"), name),
            Description = $"{suite.Name}/{file ?? "?"}{(line is null ? "" : ":" + (int.Parse(line, CultureInfo.InvariantCulture) + 1))} as {suite.User}",
            Severity = Severity.Hard,
            Passed = outcome is null,
            Stdout = stdout,
            Stderr = stderr,
            Reason = reason,
            Duration = TimeSpan.FromSeconds(double.TryParse((string?)testcase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0),
        };
    }

    /// <summary>What the test wrote, without pytest's "--- Captured Out ---" banners (written even when nothing was).</summary>
    static string Captured(XElement testcase, string element) =>
        string.Join('\n', testcase.Elements(element).SelectMany(e => e.Value.Split('\n'))
            .Where(line => !CapturedBanner().IsMatch(line))).Trim('\n');

    [System.Text.RegularExpressions.GeneratedRegex(@"^-+ Captured (Log|Out|Err) -+$")]
    private static partial System.Text.RegularExpressions.Regex CapturedBanner();

    /// <summary>pytest's node id, relative to templates/: "codex/tests/test_adapter.py::test_x[param]" (a class between them when there is one).</summary>
    internal static string TestId(TestSuite suite, string? file, string? classname, string name)
    {
        if (file is null)
            return $"{suite.Name}::{(classname is { Length: > 0 } ? classname + "::" : "")}{name}";
        var module = file.EndsWith(".py", StringComparison.Ordinal) ? file[..^3].Replace('/', '.') : file;
        // A module that could not be collected is reported under its own name: the id is the file.
        if (classname is not { Length: > 0 } && module.EndsWith(name, StringComparison.Ordinal))
            return $"{suite.Name}/{file}";
        var classes = classname is { Length: > 0 } && classname.StartsWith(module + ".", StringComparison.Ordinal)
            ? classname[(module.Length + 1)..].Replace(".", "::", StringComparison.Ordinal) + "::"
            : "";
        return $"{suite.Name}/{file}::{classes}{name}";
    }

    /// <summary>A check for the suite as a whole (its run failed without a failing test to say why).</summary>
    static CheckResult SuiteCheck(TestSuite suite, ExecOutcome run, string reason) =>
        run.ToCheck($"{suite.Name} (the pytest run)", $"pytest over {suite.Name} as {suite.User}", Severity.Hard, reason);
}
