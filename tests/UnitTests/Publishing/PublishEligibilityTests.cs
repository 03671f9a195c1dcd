using TemplateFleet.Publishing;
using TemplateFleet.Results;

namespace UnitTests.Publishing;

public sealed class PublishEligibilityTests
{
    static readonly BuildResult Built = new("codex", BuildStatus.Built, "sha256:" + new string('a', 64), [], "sha256:" + new string('b', 64), null, null, TimeSpan.Zero, null);

    static GateResult Smoke(bool passed = true) =>
        new("smoke", "codex", "plain", [], [new CheckResult { Id = "runs-as-agent", Description = "", Passed = passed }], null, TimeSpan.Zero);

    static GateResult T4(bool passed = true) =>
        new("t4", "codex", "privileged", [],
            [new CheckResult { Id = "sudo_nopasswd", Description = "", Passed = passed }, new CheckResult { Id = "soft_one", Description = "", Severity = Severity.Soft, Passed = false }],
            null, TimeSpan.Zero);

    [Fact]
    public void Passed_both_gates_is_publishable() => Assert.Null(PublishEligibility.Check(Built, Smoke(), T4()));

    [Fact]
    public void Failed_build_is_not_publishable() =>
        Assert.Equal("build failed: exit 1", PublishEligibility.Check(Built with { Status = BuildStatus.Failed, Failure = "exit 1" }, Smoke(), T4()));

    [Fact]
    public void A_build_that_did_not_run_is_not_publishable() =>
        Assert.Equal("build did not run", PublishEligibility.Check(null, Smoke(), T4()));

    [Fact]
    public void Failed_smoke_names_the_check() =>
        Assert.Equal("Smoke failed: runs-as-agent", PublishEligibility.Check(Built, Smoke(passed: false), T4()));

    [Fact]
    public void Failed_t4_names_the_hard_check_only() =>
        Assert.Equal("T4 conformance failed: sudo_nopasswd", PublishEligibility.Check(Built, Smoke(), T4(passed: false)));

    [Fact]
    public void A_gate_that_could_not_run_its_checks_says_why() =>
        Assert.Equal("Smoke failed: not ready", PublishEligibility.Check(Built, Smoke() with { Error = "not ready" }, T4()));

    [Fact]
    public void Gate_that_did_not_run_is_not_publishable() =>
        Assert.Equal("T4 conformance did not run", PublishEligibility.Check(Built, Smoke(), null));
}
