using System.Xml.Linq;
using TemplateFleet.Host;
using TemplateFleet.Publishing;
using TemplateFleet.Reports;
using TemplateFleet.Results;

namespace UnitTests.TemplateTests;

/// <summary>A gate of many checks (one per test): failing tests listed on the console and in the markdown, passing
/// ones counted; every test in the JUnit; Publish refuses a template whose tests failed or did not run.</summary>
public sealed class TemplateTestReportTests
{
    static readonly SecretMasker Masker = new([]);

    static GateResult Codex(bool failing) => new("template-tests", "codex", "no network (loopback only), tests as their suite's user", [],
    [
        new CheckResult { Id = "codex/tests/test_adapter.py::test_a", Description = "codex/tests/test_adapter.py:5 as agent", Passed = true },
        new CheckResult { Id = "codex/tests/test_adapter.py::test_b", Description = "codex/tests/test_adapter.py:9 as agent", Passed = true },
        new CheckResult
        {
            Id = "codex/tests/test_adapter.py::test_the_image_ships_its_registry_beside_the_adapter",
            Description = "codex/tests/test_adapter.py:21 as agent",
            Passed = !failing,
            Stdout = "registry source: built-in defaults",
            Stderr = "E   AssertionError: the registry came from built-in defaults",
            Reason = failing ? "AssertionError: the registry came from built-in defaults, not /app/config.yaml" : null,
        },
    ], null, TimeSpan.FromSeconds(3));

    [Fact]
    public void The_console_lists_failing_tests_and_counts_passing_ones()
    {
        var table = GateReport.RenderText([Codex(failing: true)], Masker, listPassing: false);
        Assert.Contains("template-tests codex: FAILED (2/3 checks)", table);
        Assert.Contains("(2 passed; every check is in the JUnit report)", table);
        Assert.Contains("test_the_image_ships_its_registry_beside_the_adapter", table);
        Assert.Contains("AssertionError: the registry came from built-in defaults, not /app/config.yaml", table);
        Assert.DoesNotContain("::test_a", table);
        Assert.Contains("::test_a", GateReport.RenderText([Codex(failing: true)], Masker)); // the other gates list every check
    }

    [Fact]
    public void The_markdown_counts_passing_tests_and_details_the_failing_one_with_its_output()
    {
        var markdown = GateReport.RenderMarkdown("template-tests", [Codex(failing: true)], Masker, listPassing: false);
        Assert.Contains("- checks: 2/3 passed", markdown);
        Assert.Contains("| `codex/tests/test_adapter.py::test_the_image_ships_its_registry_beside_the_adapter` | hard | **FAIL** |", markdown);
        Assert.Contains("registry source: built-in defaults", markdown);            // captured output
        Assert.Contains("E   AssertionError: the registry came from", markdown);      // the traceback
        Assert.DoesNotContain("::test_a`", markdown);
        Assert.DoesNotContain("| check |", GateReport.RenderMarkdown("template-tests", [Codex(failing: false)], Masker, listPassing: false));
    }

    [Fact]
    public void The_junit_keeps_every_test()
    {
        var junit = GateReport.RenderJUnit("template-tests", [Codex(failing: true)], Masker);
        Assert.Equal(3, junit.Descendants("testcase").Count());
        Assert.Equal("1", junit.Descendants("testsuite").Single().Attribute("failures")!.Value);
    }

    static readonly BuildResult Built = new("codex", BuildStatus.Built, "sha256:" + new string('a', 64), [], "sha256:" + new string('b', 64), null, null, TimeSpan.Zero, null);
    static readonly GateResult Smoke = new("smoke", "codex", "plain", [], [new CheckResult { Id = "runs-as-agent", Description = "", Passed = true }], null, TimeSpan.Zero);
    static readonly GateResult T4 = new("t4", "codex", "privileged", [], [new CheckResult { Id = "sudo_nopasswd", Description = "", Passed = true }], null, TimeSpan.Zero);

    [Fact]
    public void Publish_refuses_a_template_whose_tests_failed_naming_the_test()
    {
        Assert.Equal("TemplateTests failed: codex/tests/test_adapter.py::test_the_image_ships_its_registry_beside_the_adapter",
            PublishEligibility.Check(Built, Smoke, T4, Codex(failing: true), testsRequired: true));
        Assert.Null(PublishEligibility.Check(Built, Smoke, T4, Codex(failing: false), testsRequired: true));
    }

    [Fact]
    public void Publish_refuses_a_template_with_tests_that_did_not_run_them()
    {
        Assert.Equal("TemplateTests did not run", PublishEligibility.Check(Built, Smoke, T4, null, testsRequired: true));
        Assert.Null(PublishEligibility.Check(Built, Smoke, T4, null, testsRequired: false)); // a template without tests
    }
}
