using System.Xml.Linq;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Reports;
using TemplateFleet.Results;

namespace IntegrationTests.Gates;

/// <summary>
/// One T4 run over the healthy fixture and every broken variant (in parallel, as the fleet runs), shared by
/// the facts below: each failure class of the fleet's history must fail the right capability, with a
/// diagnostic that names it.
/// </summary>
public sealed class T4FleetFixture : IAsyncLifetime
{
    public static readonly string[] Variants =
        ["healthy", "no-agent-home", "gid-not-aligned", "sudoers-mode", "sudoers-invalid", "askpass-missing", "askpass-reads-disk", "exits-early", "runs-as-root", "no-sudo-rule"];

    public GateTestRun Run { get; private set; } = null!;
    public FleetException? Failure { get; private set; }
    public string ReportsDirectory { get; } = Path.Combine(Path.GetTempPath(), "gates-t4-" + Guid.NewGuid().ToString("N")[..8]);
    public string LeftoverContainers { get; private set; } = "";
    public string ReaperVictim { get; private set; } = "";
    public string ConcurrentBuild { get; private set; } = "";
    public bool ConcurrentBuildSurvived { get; private set; }

    public async Task InitializeAsync()
    {
        TestLogging.Enable();
        var images = new List<(Template, string)>();
        foreach (var v in Variants)
            images.Add((TestRuns.Template(v), await FixtureImages.GetAsync(v)));
        Run = TestRuns.Run(images);

        // A leftover of a crashed earlier run: labelled by a gate with another run id, owned by a process that is gone.
        using var crashed = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30"))!;
        var deadOwner = RunOwner.Of(crashed);
        crashed.Kill();
        await crashed.WaitForExitAsync();
        ReaperVictim = (await FixtureImages.Docker(["run", "-d", "--label", $"{Labels.Gate}=t4", "--label", $"{Labels.Run}=crashed-run",
            "--label", $"{Labels.Owner}={deadOwner}", "--entrypoint", "sleep", images[0].Item2, "300"])).Trim();
        // A young, running container of a concurrent build (its owner, this test process, is alive) is left alone.
        ConcurrentBuild = (await FixtureImages.Docker(["run", "-d", "--label", $"{Labels.Gate}=t4", "--label", $"{Labels.Run}=concurrent-run",
            "--label", $"{Labels.Owner}={RunOwner.Current}", "--entrypoint", "true", images[0].Item2])).Trim();
        await FixtureImages.Docker(["wait", ConcurrentBuild]);

        var contract = ContractLoader.Load(Path.Combine(RepositoryRoot.Path, "templates", "t4-contract.yaml"));
        try
        {
            await T4Gate.RunAsync(Run.Context, Run.Run, Run.Results, contract, new GateOptions { Parallelism = 4, ReportsDirectory = ReportsDirectory }, CancellationToken.None);
        }
        catch (FleetException e)
        {
            Failure = e;
        }
        LeftoverContainers = await TestRuns.ContainersOf(Run.RunId);
        ConcurrentBuildSurvived = (await FixtureImages.Docker(["ps", "-aq", "--no-trunc", "--filter", $"id={ConcurrentBuild}"])).Trim() == ConcurrentBuild;
        await FixtureImages.Docker(["rm", "-f", ConcurrentBuild]);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(ReportsDirectory))
            Directory.Delete(ReportsDirectory, recursive: true);
        return Task.CompletedTask;
    }

    public GateResult Result(string variant) => Run[variant].T4 ?? throw new InvalidOperationException($"no T4 result for {variant}");
}

[Collection(EngineCollection.Name)]
public sealed class T4GateTests(T4FleetFixture fleet) : IClassFixture<T4FleetFixture>
{
    static CheckResult Check(GateResult r, string id) => r.Checks.Single(c => c.Id == id);

    static string[] FailedIds(GateResult r) => r.Checks.Where(c => !c.Passed).Select(c => c.Id).ToArray();

    [Fact]
    public void Healthy_image_passes_all_ten_capabilities_in_a_declared_shape()
    {
        var r = fleet.Result("healthy");
        Assert.Null(r.Error);
        Assert.Equal(10, r.Checks.Count);
        Assert.Empty(FailedIds(r));
        // On an engine that cannot grant every capability the shape is the declared fallback, never silent.
        if (r.Shape == ResolvedShape.FallbackDescription)
            Assert.NotEmpty(r.MissingCapabilities);
        else
            Assert.Equal("privileged", r.Shape);
    }

    [Fact]
    public void Missing_agent_home_fails_agent_home_writable_only()
    {
        var r = fleet.Result("no-agent-home");
        Assert.Equal(["agent_home_writable"], FailedIds(r));
        Assert.Contains("/agent-home", Check(r, "agent_home_writable").Stderr);
    }

    [Fact]
    public void Unaligned_docker_gid_fails_docker_socket_reachable_naming_the_socket_permission()
    {
        var r = fleet.Result("gid-not-aligned");
        Assert.Equal(["docker_socket_reachable"], FailedIds(r));
        var c = Check(r, "docker_socket_reachable");
        Assert.Contains("permission denied", c.Stderr);
        Assert.Contains("/var/run/docker.sock", c.Stderr);
    }

    [Fact]
    public void Sudoers_not_0440_fails_sudoers_valid()
    {
        var r = fleet.Result("sudoers-mode");
        Assert.Equal(["sudoers_valid"], FailedIds(r));
        Assert.Contains("expected root:root 440", Check(r, "sudoers_valid").Stderr);
    }

    [Fact]
    public void Invalid_sudoers_fails_sudoers_valid_with_visudos_diagnostic()
    {
        var r = fleet.Result("sudoers-invalid");
        Assert.Contains("sudoers_valid", FailedIds(r));
        Assert.Contains("syntax error", Check(r, "sudoers_valid").Stderr);
    }

    [Fact]
    public void Missing_askpass_fails_git_askpass()
    {
        var r = fleet.Result("askpass-missing");
        Assert.Equal(["git_askpass"], FailedIds(r));
        Assert.Contains("missing or not executable", Check(r, "git_askpass").Stderr);
    }

    [Fact]
    public void Askpass_reading_from_disk_fails_git_askpass()
    {
        var r = fleet.Result("askpass-reads-disk");
        Assert.Equal(["git_askpass"], FailedIds(r));
        Assert.Contains("reads from disk", Check(r, "git_askpass").Stderr);
    }

    [Fact]
    public void A_runtime_left_running_as_root_fails_agent_identity()
    {
        var r = fleet.Result("runs-as-root");
        Assert.Contains("agent_identity", FailedIds(r));
        Assert.Contains("did not drop privileges", Check(r, "agent_identity").Stderr);
        Assert.Contains("configs_token_agent_owned", FailedIds(r));
        Assert.Contains("owned by uid 0, expected 1000", Check(r, "configs_token_agent_owned").Stderr);
    }

    [Fact]
    public void Without_the_sudoers_rule_every_sudo_leg_fails_and_says_so()
    {
        var r = fleet.Result("no-sudo-rule");
        Assert.Equal(["sudo_nopasswd", "sudoers_valid", "host_root_nsenter", "host_fs_reachable"], FailedIds(r));
        Assert.Contains("a password is required", Check(r, "sudo_nopasswd").Stderr);
        Assert.Contains("/etc/sudoers.d/agent-t4 is missing", Check(r, "sudoers_valid").Stderr);
    }

    [Fact]
    public void A_runtime_that_exits_fails_fast_with_its_output()
    {
        var r = fleet.Result("exits-early");
        Assert.NotNull(r.Error);
        Assert.Contains("exited with code 3", r.Error);
        Assert.Contains("cannot import adapter module", r.Error);
    }

    [Fact]
    public void The_target_fails_naming_every_failed_template_and_capability()
    {
        Assert.NotNull(fleet.Failure);
        var m = fleet.Failure!.Message;
        Assert.Contains("no-agent-home: failed agent_home_writable", m);
        Assert.Contains("gid-not-aligned: failed docker_socket_reachable", m);
        Assert.Contains("askpass-missing: failed git_askpass", m);
        Assert.Contains("exits-early: could not run its checks", m);
        Assert.DoesNotContain("  healthy:", m);
    }

    [Fact]
    public async Task Every_gate_container_is_removed_and_leftovers_of_other_runs_are_reaped()
    {
        Assert.Equal("", fleet.LeftoverContainers);
        var victim = await FixtureImages.Docker(["ps", "-aq", "--no-trunc", "--filter", $"id={fleet.ReaperVictim}"]);
        Assert.Equal("", victim.Trim());
        Assert.True(fleet.ConcurrentBuildSurvived, "a finished container of a live concurrent build was reaped");
    }

    [Fact]
    public void Reports_are_written_with_shape_and_failures()
    {
        var junit = XDocument.Load(Path.Combine(fleet.ReportsDirectory, "t4.junit.xml"));
        Assert.Equal(T4FleetFixture.Variants.Length, junit.Root!.Elements("testsuite").Count());
        var gid = junit.Root.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "t4.gid-not-aligned");
        Assert.Contains(gid.Descendants("property"), p => (string?)p.Attribute("name") == "shape" && ((string?)p.Attribute("value"))!.Length > 0);
        var failure = gid.Elements("testcase").Single(t => (string?)t.Attribute("name") == "docker_socket_reachable").Element("failure");
        Assert.NotNull(failure);
        Assert.Contains("rc: 1", failure!.Value);
        var md = File.ReadAllText(Path.Combine(fleet.ReportsDirectory, "t4.md"));
        Assert.Contains($"1/{T4FleetFixture.Variants.Length} templates", md);
        Assert.Contains("- shape:", md);
        Assert.Equal($"1/{T4FleetFixture.Variants.Length} templates", SummaryNote.For(fleet.Run.Templates.Select(t => t.T4!).ToList()));
    }
}
