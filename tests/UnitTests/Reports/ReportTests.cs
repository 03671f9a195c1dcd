using System.Xml.Linq;
using TemplateFleet.Host;
using TemplateFleet.Reports;

namespace UnitTests.Reports;

public sealed class ReportTests
{
    static readonly SecretMasker Masker = new([ReportFixtures.Secret]);

    [Fact]
    public void JUnit_has_a_suite_per_template_and_a_case_per_check()
    {
        var doc = GateReport.RenderJUnit("t4", ReportFixtures.Results(), Masker);
        var suites = doc.Root!.Elements("testsuite").ToList();
        Assert.Equal(["t4.claude-code", "t4.codex", "t4.hermes"], suites.Select(s => (string?)s.Attribute("name")));
        var codex = suites[1];
        Assert.Equal("1", (string?)codex.Attribute("failures"));
        var failure = codex.Elements("testcase").First().Element("failure")!;
        Assert.Equal("exit code 1: permission denied", (string?)failure.Attribute("message"));
        Assert.Contains("rc: 1", failure.Value);
        Assert.Contains("--- stderr ---\npermission denied <sock> & GITEA_TOKEN=***", failure.Value);
        Assert.Contains("--- sh -x trace (tail) ---\n+ docker version", failure.Value);
        Assert.NotNull(codex.Elements("testcase").Last().Element("skipped"));
        Assert.Contains(codex.Descendants("property"), p => (string?)p.Attribute("name") == "missingCapabilities" && (string?)p.Attribute("value") == "SYS_RESOURCE");
        Assert.Contains(codex.Descendants("property"), p => (string?)p.Attribute("name") == "shape" && ((string)p.Attribute("value")!).StartsWith("fallback", StringComparison.Ordinal));
        Assert.Equal("1", (string?)suites[2].Attribute("errors"));
        // Round-trips as XML (special characters escaped).
        Assert.NotNull(XDocument.Parse(doc.ToString()));
    }

    [Fact]
    public void Markdown_states_shape_and_missing_capabilities_at_the_top_of_each_section()
    {
        var md = GateReport.RenderMarkdown("t4", ReportFixtures.Results(), Masker);
        Assert.StartsWith("## t4: 1/3 templates passed", md);
        var codex = md[md.IndexOf("### ❌ codex", StringComparison.Ordinal)..];
        Assert.StartsWith("### ❌ codex\n\n- shape: fallback: all grantable capabilities, seccomp/apparmor unconfined\n- missing capabilities: SYS_RESOURCE\n", codex);
        Assert.Contains("| `docker_socket_reachable` | hard | **FAIL** |", md);
        Assert.Contains("the container exited with code 3", md);
    }

    [Fact]
    public void Console_table_gives_the_reason_for_each_failure()
    {
        var text = GateReport.RenderText(ReportFixtures.Results(), Masker);
        Assert.Contains("t4 codex: FAILED (0/2 checks)", text);
        Assert.Matches(@"docker_socket_reachable\s+hard\s+FAIL\s+[\d.]+s\s+exit code 1: permission denied", text);
        Assert.Matches(@"soft_one\s+soft\s+WARN", text);
        Assert.Contains("missing capabilities: SYS_RESOURCE", text);
        Assert.Contains("ERROR the container exited", text);
    }

    [Fact]
    public void No_secret_reaches_any_report()
    {
        var results = ReportFixtures.Results();
        results[1] = results[1] with { Checks = [results[1].Checks[0] with { Reason = "failed with " + ReportFixtures.Secret }, .. results[1].Checks.Skip(1)] };
        var all = GateReport.RenderJUnit("t4", results, Masker).ToString() + GateReport.RenderMarkdown("t4", results, Masker) + GateReport.RenderText(results, Masker);
        Assert.DoesNotContain(ReportFixtures.Secret, all);
        Assert.Contains("***", all);
    }

    [Fact]
    public void Masker_masks_secret_values_longest_first_and_ignores_empty_ones()
    {
        var m = new SecretMasker(["abc-long-secret", ""]);
        Assert.Equal("x ***** y", m.Apply("x abc-long-secret y"));
        Assert.Equal("secretive", new SecretMasker(["ab"]).Apply("secretive"));
        Assert.Equal("***** *****", new SecretMasker(["abc", "abcdef"]).Apply("abcdef abc"));
    }

    [Fact]
    public void Summary_note_counts_passed_templates() =>
        Assert.Equal("1/3 templates", SummaryNote.For(ReportFixtures.Results()));

    [Fact]
    public void Report_files_are_written_and_appended_to_the_step_summary()
    {
        var dir = Path.Combine(Path.GetTempPath(), "reports-" + Guid.NewGuid().ToString("N")[..8]);
        var summary = Path.Combine(dir, "summary.md");
        Directory.CreateDirectory(dir);
        File.WriteAllText(summary, "before\n");
        var old = Environment.GetEnvironmentVariable(GateReport.StepSummaryVariable);
        Environment.SetEnvironmentVariable(GateReport.StepSummaryVariable, summary);
        try
        {
            var (junit, md) = GateReport.Write(dir, "t4", ReportFixtures.Results(), Masker);
            Assert.Equal(Path.Combine(dir, "t4.junit.xml"), junit);
            Assert.True(File.Exists(md));
            Assert.StartsWith("before\n## t4: 1/3 templates passed", File.ReadAllText(summary));
        }
        finally
        {
            Environment.SetEnvironmentVariable(GateReport.StepSummaryVariable, old);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Gate_failure_message_names_templates_and_failed_capabilities()
    {
        var results = ReportFixtures.Results();
        var m = TemplateFleet.Gates.GateRunner.FailureMessage("T4Conformance", results.Where(r => !r.Passed).ToList(), results.Count);
        Assert.StartsWith("T4Conformance failed for 2 of 3 template(s)", m);
        Assert.Contains("  codex: failed docker_socket_reachable\n", m);
        Assert.DoesNotContain("soft_one", m);
        Assert.Contains("  hermes: could not run its checks: the container exited with code 3", m);
    }
}
