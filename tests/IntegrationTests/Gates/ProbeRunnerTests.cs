using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Results;

namespace IntegrationTests.Gates;

/// <summary>The runner's own rules, with small custom contracts on the healthy fixture.</summary>
[Collection(EngineCollection.Name)]
public sealed class ProbeRunnerTests
{
    const string Provisioner = """
        provisioner:
          privileged: true
          pidMode: host
          binds:
            - source: /
              target: /host
            - source: docker-socket
              target: /var/run/docker.sock
        readiness:
          timeoutSeconds: 60
          intervalMilliseconds: 200
        capabilities:
        """;

    /// <summary>The contract in <paramref name="yaml"/>; messages name it <paramref name="file"/>.</summary>
    static Contract Parse(string yaml, string file)
    {
        var errors = new YamlErrors(file);
        return ContractLoader.Read(YamlDocument.ReadText(yaml, errors, ContractLoader.TopKeys), errors);
    }

    static async Task<(GateResult Result, FleetException? Failure)> RunContract(string capabilities, string? reports = null, string provisioner = Provisioner)
    {
        TestLogging.Enable();
        var contract = Parse(provisioner + "\n" + capabilities, "test-contract.yaml");
        var run = TestRuns.Run([(TestRuns.Template("healthy"), await FixtureImages.GetAsync(FixtureImages.Healthy))]);
        FleetException? failure = null;
        try
        {
            await T4Gate.RunAsync(run.Context, run.Run, run.Results, contract, new GateOptions { ReportsDirectory = reports }, CancellationToken.None);
        }
        catch (FleetException e)
        {
            failure = e;
        }
        Assert.Equal("", await TestRuns.ContainersOf(run.RunId));
        return (run["healthy"].T4!, failure);
    }

    [Fact]
    public async Task A_silent_failing_probe_gets_its_sh_x_trace_attached_in_result_and_junit()
    {
        var reports = Path.Combine(Path.GetTempPath(), "gates-silent-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (r, failure) = await RunContract("""
                  - id: silent_probe
                    severity: hard
                    user: agent
                    timeoutSeconds: 10
                    description: fails without a word
                    probe: |
                      marker=silent-marker
                      test -e /nonexistent/$marker
                """, reports);
            var c = r.Checks.Single();
            Assert.False(c.Passed);
            Assert.Equal(1, c.ExitCode);
            Assert.NotNull(c.Trace);
            Assert.Contains("+ test -e /nonexistent/silent-marker", c.Trace);
            Assert.Contains("sh -x trace", c.Reason);
            Assert.Contains("silent_probe", failure!.Message);
            Assert.Contains("+ test -e /nonexistent/silent-marker", File.ReadAllText(Path.Combine(reports, "t4.junit.xml")));
        }
        finally
        {
            Directory.Delete(reports, recursive: true);
        }
    }

    [Fact]
    public async Task A_hung_probe_times_out_and_the_next_probe_still_runs()
    {
        var (r, failure) = await RunContract("""
              - id: hangs
                severity: hard
                user: agent
                timeoutSeconds: 2
                description: never returns
                probe: sleep 60
              - id: after_the_hang
                severity: hard
                user: agent
                timeoutSeconds: 5
                description: still runs
                probe: id -un
            """);
        var hung = r.Checks[0];
        Assert.True(hung.TimedOut);
        Assert.Equal("timed out after 2 s", hung.Reason);
        Assert.True(hung.Duration < TimeSpan.FromSeconds(10));
        Assert.True(r.Checks[1].Passed);
        Assert.Equal("agent\n", r.Checks[1].Stdout);
        Assert.NotNull(failure);
    }

    [Fact]
    public async Task Without_host_pid_the_pid_and_nsenter_probes_fail_and_say_why()
    {
        // The fleet's own probes, in the provisioner shape minus --pid=host: they must not pass.
        var fleetContract = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "templates", "t4-contract.yaml"));
        var capabilities = fleetContract[fleetContract.IndexOf("capabilities:", StringComparison.Ordinal)..]["capabilities:".Length..];
        var (r, failure) = await RunContract(capabilities, provisioner: Provisioner.Replace("pidMode: host", "pidMode: private", StringComparison.Ordinal));
        Assert.Equal(["host_root_nsenter", "pid_host_visible"], r.Checks.Where(c => !c.Passed).Select(c => c.Id));
        Assert.Contains("private PID namespace", r.Checks.Single(c => c.Id == "pid_host_visible").Stderr);
        Assert.Contains("PID 1 is not the host's", r.Checks.Single(c => c.Id == "host_root_nsenter").Stderr);
        Assert.NotNull(failure);
    }

    [Fact]
    public async Task Cancelling_mid_gate_removes_the_gates_containers()
    {
        TestLogging.Enable();
        var contract = Parse(Provisioner + """

              - id: slow
                severity: hard
                user: agent
                timeoutSeconds: 60
                description: keeps the gate busy until it is cancelled
                probe: sleep 50
            """, "test-contract.yaml");
        var run = TestRuns.Run([(TestRuns.Template("healthy"), await FixtureImages.GetAsync(FixtureImages.Healthy))]);
        using var cts = new CancellationTokenSource();
        var gate = T4Gate.RunAsync(run.Context, run.Run, run.Results, contract, new GateOptions(), cts.Token);
        // Cancel once the gate container is up (the probe is running), as Ctrl-C would.
        for (var i = 0; i < 600 && await TestRuns.ContainersOf(run.RunId, "healthy") is { Length: 0 }; i++)
            await Task.Delay(100);
        Assert.NotEqual("", await TestRuns.ContainersOf(run.RunId, "healthy"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        cts.Cancel();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the gate took {clock.Elapsed} to stop after cancellation");
        Assert.Equal("", await TestRuns.ContainersOf(run.RunId));
    }

    [Fact]
    public async Task A_soft_failure_warns_without_failing_the_gate()
    {
        var (r, failure) = await RunContract("""
              - id: soft_one
                severity: soft
                user: agent
                timeoutSeconds: 5
                description: a recommendation
                probe: echo 'not configured' >&2; exit 1
            """);
        Assert.False(r.Checks.Single().Passed);
        Assert.True(r.Passed);
        Assert.Null(failure);
    }
}
