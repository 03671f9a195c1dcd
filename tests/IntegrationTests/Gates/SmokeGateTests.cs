using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Results;

namespace IntegrationTests.Gates;

/// <summary>Smoke over fixtures with the fleet's checks (as fleet.yaml declares them) plus a codex-like template check.</summary>
[Collection(EngineCollection.Name)]
public sealed class SmokeGateTests
{
    // The fleet's own checks, read from templates/fleet.yaml by the product's loader: the data is the source.
    static readonly SmokeChecks Fleet = FleetLoader.LoadFleet(RepositoryRoot.Path).Smoke;

    static readonly SmokeChecks CodexLike = new(
        [new CommandCheck("auth-watchdog-skips-without-auth", "CODEX_HOME=/tmp/smoke-no-auth /usr/local/bin/codex_auth_refresh.sh --once", "agent", 1, "skip:no_auth_json", null, 10)],
        []);

    static async Task<(GateTestRun Run, FleetException? Failure)> Smoke(string runtimeVersion, params string[] variants)
    {
        TestLogging.Enable();
        var templates = new List<(Template, string)>();
        foreach (var v in variants)
            templates.Add((TestRuns.Template(v, CodexLike), await FixtureImages.GetAsync(v)));
        var run = TestRuns.Run(templates, TestRuns.Config(Fleet), runtimeVersion);
        FleetException? failure = null;
        try
        {
            await SmokeGate.RunAsync(run.Context, run.Run, run.Results, new GateOptions { Parallelism = 2 }, CancellationToken.None);
        }
        catch (FleetException e)
        {
            failure = e;
        }
        Assert.Equal("", await TestRuns.ContainersOf(run.RunId));
        return (run, failure);
    }

    static string[] Failed(GateResult r) => r.Checks.Where(c => !c.Passed).Select(c => c.Id).ToArray();

    [Fact]
    public async Task Healthy_passes_and_each_broken_variant_fails_its_check()
    {
        var (run, failure) = await Smoke("1.0.0", "healthy", "watchdog-127", "sudoers-mode", "askpass-missing");

        var healthy = run["healthy"].Smoke!;
        Assert.Empty(Failed(healthy));
        Assert.Equal(1 + 2 + 4 + 1, healthy.Checks.Count);
        Assert.Equal("plain (unprivileged)", healthy.Shape);

        var watchdog = run["watchdog-127"].Smoke!.Checks.Single(c => !c.Passed);
        Assert.Equal("command:auth-watchdog-skips-without-auth", watchdog.Id);
        Assert.Equal(127, watchdog.ExitCode);
        Assert.Contains("expected exit 1, got 127 (command not found", watchdog.Reason);

        var mode = run["sudoers-mode"].Smoke!.Checks.Single(c => !c.Passed);
        Assert.Equal("file:/etc/sudoers.d/agent-t4", mode.Id);
        Assert.Equal("/etc/sudoers.d/agent-t4: mode is 0640, expected 0440", mode.Reason);

        Assert.Equal(["command:askpass-answers-from-env", "file:/usr/local/bin/molecule-askpass"], Failed(run["askpass-missing"].Smoke!));

        Assert.NotNull(failure);
        Assert.StartsWith("Smoke failed for 3 of 4 template(s)", failure!.Message);
        Assert.Contains("watchdog-127: failed command:auth-watchdog-skips-without-auth", failure.Message);
    }

    [Fact]
    public async Task The_runtime_version_cache_trap_is_caught_naming_both_versions()
    {
        var (run, failure) = await Smoke("1.0.1", "healthy");
        var health = run["healthy"].Smoke!.Checks.Single(c => c.Id == SmokeGate.HealthCheckId);
        Assert.False(health.Passed);
        Assert.StartsWith("runtime version is 1.0.0, expected 1.0.1", health.Reason);
        Assert.Equal([SmokeGate.HealthCheckId], Failed(run["healthy"].Smoke!));
        Assert.Contains("healthy: failed runtime-health", failure!.Message);
    }
}
