using TemplateFleet.Results;

namespace UnitTests.Reports;

static class ReportFixtures
{
    public const string Secret = "s3cr3t-token-value";

    public static List<GateResult> Results()
    {
        const string shape = "fallback: all grantable capabilities, seccomp/apparmor unconfined";
        var ok = new GateResult("t4", "claude-code", shape, ["SYS_RESOURCE"],
            [new CheckResult { Id = "sudo_nopasswd", Description = "sudo", Passed = true, ExitCode = 0, Stdout = "ok\n" }], null, TimeSpan.FromSeconds(2.5));
        var bad = new GateResult("t4", "codex", shape, ["SYS_RESOURCE"],
        [
            new CheckResult
            {
                Id = "docker_socket_reachable",
                Description = "agent reaches the socket",
                Passed = false,
                ExitCode = 1,
                Stdout = "",
                Stderr = $"permission denied <sock> & GITEA_TOKEN={Secret}\n",
                Trace = "+ docker version\n+ exit 1",
                Reason = "exit code 1: permission denied",
            },
            new CheckResult { Id = "soft_one", Description = "soft", Severity = Severity.Soft, Passed = false, ExitCode = 1, Reason = "meh" },
        ], null, TimeSpan.Zero);
        var broken = new GateResult("t4", "hermes", "", [], [], "the container exited with code 3 before its runtime answered /health", TimeSpan.Zero);
        return [ok, bad, broken];
    }
}
