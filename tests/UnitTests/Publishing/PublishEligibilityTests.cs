using TemplateFleet.Fleet;
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

    static readonly Dictionary<string, string> Development = new() { [Labels.DevelopmentPackages] = "true", [Labels.Template] = "codex" };
    static readonly Dictionary<string, string> Release = new() { [Labels.DevelopmentPackages] = "false" };

    [Fact]
    public void Development_image_is_refused_for_a_remote_registry_with_a_clear_message()
    {
        var reason = PublishEligibility.DevelopmentRefusal("codex", Development, "registry.example.com:5000");
        Assert.NotNull(reason);
        Assert.Contains("refused to push codex to registry.example.com:5000", reason);
        Assert.Contains($"{Labels.DevelopmentPackages}=true", reason);
        Assert.Contains("loopback", reason);
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("localhost:5000")]
    [InlineData("[::1]:5000")]
    public void Development_image_may_go_to_loopback(string registry) =>
        Assert.Null(PublishEligibility.DevelopmentRefusal("codex", Development, registry));

    [Fact]
    public void Release_image_may_go_anywhere()
    {
        Assert.Null(PublishEligibility.DevelopmentRefusal("codex", Release, "registry.example.com"));
        Assert.Null(PublishEligibility.DevelopmentRefusal("codex", null, "registry.example.com"));
    }
}
