using TemplateFleet.Fleet;
using TemplateFleet.Gates;

namespace UnitTests.TemplateTests;

/// <summary>pytest's JUnit (written by Debian's pytest 7.2.1 with the gate's options; Fixtures/) into one check per test.</summary>
public sealed class PytestReportTests
{
    static readonly TestSuite Suite = new("codex/tests", "/repo/templates/codex/tests", "agent", 120);

    static string Fixture(string name) => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "UnitTests", "TemplateTests", "Fixtures", name));

    static ExecOutcome Exit(long? code, string stdout = "", string stderr = "", bool timedOut = false) =>
        new(code, stdout, stderr, timedOut, TimeSpan.FromSeconds(1.5));

    [Fact]
    public void Each_test_is_a_check_named_by_its_pytest_id_relative_to_templates()
    {
        var checks = PytestReport.Read(Suite, Fixture("outcomes.junit.xml"), Exit(1));
        Assert.Equal([
            "codex/tests/test_sample.py::test_passes",
            "codex/tests/test_sample.py::test_fails_with_output",
            "codex/tests/test_sample.py::test_parametrized[1]",
            "codex/tests/test_sample.py::test_parametrized[2]",
            "codex/tests/test_sample.py::TestGroup::test_in_class",
            "codex/tests/test_sample.py::test_skips",
            "codex/tests/test_sample.py::test_errors_in_setup",
        ], checks.Select(c => c.Id));
        Assert.Equal([true, false, true, false, true, false, false], checks.Select(c => c.Passed));
        Assert.Equal("codex/tests/test_sample.py:6 as agent", checks[0].Description);
    }

    [Fact]
    public void A_failure_carries_the_assertion_the_traceback_and_what_the_test_wrote()
    {
        var failed = PytestReport.Read(Suite, Fixture("outcomes.junit.xml"), Exit(1))[1];
        Assert.Equal("AssertionError: the registry came from built-in defaults\nassert 'built-in defaults' == '/app/config.yaml'\n  - /app/config.yaml\n  + built-in defaults", failed.Reason);
        Assert.Equal("registry source: built-in defaults", failed.Stdout);
        Assert.StartsWith("def test_fails_with_output():", failed.Stderr);
        Assert.Contains("test_sample.py:14: AssertionError", failed.Stderr);
        Assert.EndsWith("--- captured stderr ---\nwarning on stderr", failed.Stderr);
        Assert.DoesNotContain("Captured Out", failed.Stdout + failed.Stderr);
    }

    [Fact]
    public void A_skip_proves_nothing_and_fails_and_an_error_in_setup_fails()
    {
        var checks = PytestReport.Read(Suite, Fixture("outcomes.junit.xml"), Exit(1));
        Assert.Equal("skipped (not here): a template test that skips proves nothing", checks[5].Reason);
        Assert.Equal("error: failed on setup with \"RuntimeError: fixture broke\"", checks[6].Reason);
        Assert.Equal(7, checks.Count); // no check for the run: its failures are the tests'
    }

    [Fact]
    public void A_module_that_cannot_be_collected_fails_under_its_file()
    {
        var check = Assert.Single(PytestReport.Read(Suite, Fixture("collection-error.junit.xml"), Exit(2)));
        Assert.Equal("codex/tests/test_broken.py", check.Id);
        Assert.Equal("error: collection failure", check.Reason);
        Assert.Contains("No module named 'adapter_that_is_missing'", check.Stderr);
    }

    [Fact]
    public void No_tests_collected_fails_the_suite()
    {
        var check = Assert.Single(PytestReport.Read(Suite, "<testsuites><testsuite name=\"codex/tests\" tests=\"0\"/></testsuites>", Exit(5, "no tests ran")));
        Assert.Equal(("codex/tests (the pytest run)", false, 5L), (check.Id, check.Passed, check.ExitCode));
        Assert.Equal("pytest collected no tests (exit 5): a declared suite must test something", check.Reason);
    }

    [Fact]
    public void A_timed_out_suite_names_its_timeout()
    {
        var check = Assert.Single(PytestReport.Read(Suite, null, Exit(null, timedOut: true)));
        Assert.Equal("timed out after 120 s (template.yaml or fleet.yaml tests.timeoutSeconds)", check.Reason);
        Assert.True(check.TimedOut);
    }

    [Theory]
    [InlineData(null, 4, "pytest exited 4 and wrote no JUnit report")]
    [InlineData("<testsuites><testsuite", 3, "its JUnit report is not XML")]
    [InlineData("<testsuites><testsuite name=\"s\"><testcase classname=\"test_a\" name=\"test_b\" file=\"test_a.py\" line=\"0\"/></testsuite></testsuites>", 3, "pytest exited 3")]
    [InlineData(null, 0, "pytest reported no test")]
    public void A_run_that_failed_without_a_failing_test_fails_as_a_whole(string? junit, long exit, string reason)
    {
        var checks = PytestReport.Read(Suite, junit, Exit(exit, "console", "INTERNALERROR> boom"));
        var run = checks.Single(c => c.Id == "codex/tests (the pytest run)");
        Assert.StartsWith(reason, run.Reason);
        Assert.Equal(("console", "INTERNALERROR> boom"), (run.Stdout, run.Stderr));
    }

    [Fact]
    public void A_passing_run_is_its_tests()
    {
        var junit = "<testsuites><testsuite name=\"s\"><testcase classname=\"sub.test_a.TestX\" name=\"test_b\" file=\"sub/test_a.py\" line=\"3\" time=\"0.25\"/></testsuite></testsuites>";
        var check = Assert.Single(PytestReport.Read(Suite, junit, Exit(0)));
        Assert.Equal(("codex/tests/sub/test_a.py::TestX::test_b", true, "codex/tests/sub/test_a.py:4 as agent"), (check.Id, check.Passed, check.Description));
        Assert.Equal(TimeSpan.FromSeconds(0.25), check.Duration);
    }

    [Fact]
    public void A_long_assertion_is_cut_for_the_reason_and_kept_whole_in_the_output()
    {
        var message = new string('x', 2000);
        var junit = $"<testsuites><testsuite name=\"s\"><testcase classname=\"test_a\" name=\"test_b\" file=\"test_a.py\" line=\"1\"><failure message=\"{message}\">{message}</failure></testcase></testsuite></testsuites>";
        var check = Assert.Single(PytestReport.Read(Suite, junit, Exit(1)));
        Assert.Equal(603, check.Reason!.Length);
        Assert.Equal(message, check.Stderr);
    }
}
