using TemplateFleet.Fleet;

namespace UnitTests.Reports;

static class ReportFixtures
{
    public const string Secret = "s3cr3t-token-value";

    public static List<GateResult> Results()
    {
        var ok = new GateResult("t4", "claude-code") { Shape = "fallback: all grantable capabilities, seccomp/apparmor unconfined", MissingCapabilities = ["SYS_RESOURCE"], Duration = TimeSpan.FromSeconds(2.5) };
        ok.Checks.Add(new CheckResult { Id = "sudo_nopasswd", Description = "sudo", Passed = true, ExitCode = 0, Stdout = "ok\n" });
        var bad = new GateResult("t4", "codex") { Shape = ok.Shape, MissingCapabilities = ["SYS_RESOURCE"] };
        bad.Checks.Add(new CheckResult
        {
            Id = "docker_socket_reachable",
            Description = "agent reaches the socket",
            Passed = false,
            ExitCode = 1,
            Stdout = "",
            Stderr = $"permission denied <sock> & GITEA_TOKEN={Secret}\n",
            Trace = "+ docker version\n+ exit 1",
            Reason = "exit code 1: permission denied",
        });
        bad.Checks.Add(new CheckResult { Id = "soft_one", Description = "soft", Severity = Severity.Soft, Passed = false, ExitCode = 1, Reason = "meh" });
        var broken = new GateResult("t4", "hermes") { Error = "the container exited with code 3 before its runtime answered /health" };
        return [ok, bad, broken];
    }
}
