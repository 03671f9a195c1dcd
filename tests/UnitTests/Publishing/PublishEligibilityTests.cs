using TemplateFleet.Fleet;
using TemplateFleet.Publishing;

namespace UnitTests.Publishing;

public sealed class PublishEligibilityTests
{
    static TemplateRun Run(StageStatus build = StageStatus.Succeeded, bool smoke = true, bool t4 = true)
    {
        var template = new Template("codex", "/tmp/codex", "", "codex", new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"), SmokeChecks.None);
        var run = new TemplateRun(template) { Build = build, ImageId = "sha256:" + new string('a', 64) };
        run.Smoke = new GateResult("smoke", "codex");
        run.Smoke.Checks.Add(new CheckResult { Id = "runs-as-agent", Description = "", Passed = smoke });
        run.T4 = new GateResult("t4", "codex");
        run.T4.Checks.Add(new CheckResult { Id = "sudo_nopasswd", Description = "", Passed = t4 });
        run.T4.Checks.Add(new CheckResult { Id = "soft_one", Description = "", Severity = Severity.Soft, Passed = false });
        return run;
    }

    [Fact]
    public void Passed_both_gates_is_publishable() => Assert.Null(PublishEligibility.Check(Run()));

    [Fact]
    public void Failed_build_is_not_publishable() =>
        Assert.Equal("build failed: exit 1", PublishEligibility.Check(new TemplateRun(Run().Template) { Build = StageStatus.Failed, BuildFailure = "exit 1" }));

    [Fact]
    public void Failed_smoke_names_the_check() =>
        Assert.Equal("Smoke failed: runs-as-agent", PublishEligibility.Check(Run(smoke: false)));

    [Fact]
    public void Failed_t4_names_the_hard_check_only() =>
        Assert.Equal("T4 conformance failed: sudo_nopasswd", PublishEligibility.Check(Run(t4: false)));

    [Fact]
    public void Gate_that_did_not_run_is_not_publishable()
    {
        var run = Run();
        run.T4 = null;
        Assert.Equal("T4 conformance did not run", PublishEligibility.Check(run));
    }
}
