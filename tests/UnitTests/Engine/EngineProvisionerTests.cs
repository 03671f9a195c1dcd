using TemplateFleet.Engine;
using TemplateFleet.Fleet;

namespace TemplateFleet.UnitTests.Engine;

public sealed class EngineProvisionerTests
{
    private static readonly Uri Socket = new("unix:///var/run/docker.sock");
    private static readonly EngineOptions Local = new(RunPaths.ForRepository("/repo"), TimeSpan.FromSeconds(3));

    private sealed class FakeHost : IEngineHost
    {
        public bool Answers { get; set; }
        public bool AnswersAfterStart { get; set; } = true;
        public bool IsRoot { get; set; } = true;
        public string? OsId { get; set; } = "debian";
        public int Starts { get; private set; }
        public string? StartedLog { get; private set; }
        public bool Dies { get; set; }
        public int Pings { get; private set; }

        public Task<(string Version, string ApiVersion)?> PingAsync(Uri endpoint, CancellationToken ct)
        {
            Pings++;
            return Task.FromResult<(string, string)?>(Answers || (Starts > 0 && AnswersAfterStart) ? ("20.10.24", "1.41") : null);
        }

        public Task<int?> StartEngineAsync(Uri endpoint, string logFile, CancellationToken ct)
        {
            Starts++;
            StartedLog = logFile;
            return Task.FromResult<int?>(4242);
        }

        public bool IsRunning(int pid) => pid == 4242 && !Dies;
    }

    [Fact]
    public async Task Reuses_an_engine_that_answers_without_starting_anything()
    {
        var host = new FakeHost { Answers = true, IsRoot = false, OsId = "fedora" };
        var info = await new EngineProvisioner(host).EnsureEngineAsync(Socket, Local, CancellationToken.None);
        Assert.Equal(new EngineInfo("20.10.24", "1.41", Socket, false, null), info);
        Assert.Equal(0, host.Starts);
    }

    [Fact]
    public async Task Starts_one_as_root_on_debian_for_the_local_socket_and_reports_the_log()
    {
        var host = new FakeHost();
        var info = await new EngineProvisioner(host).EnsureEngineAsync(Socket, Local, CancellationToken.None);
        Assert.True(info.Provisioned);
        Assert.Equal(1, host.Starts);
        Assert.Equal(Path.Combine("/repo", "output", "engine", "dockerd.log"), info.LogFile);
        Assert.Equal(info.LogFile, host.StartedLog);
    }

    [Fact]
    public async Task Second_call_reuses_the_engine_it_started()
    {
        var host = new FakeHost();
        var provisioner = new EngineProvisioner(host);
        await provisioner.EnsureEngineAsync(Socket, Local, CancellationToken.None);
        var second = await provisioner.EnsureEngineAsync(Socket, Local, CancellationToken.None);
        Assert.False(second.Provisioned);
        Assert.Equal(1, host.Starts);
    }

    [Fact]
    public async Task Not_root_gets_the_manual_steps()
    {
        var e = await Assert.ThrowsAsync<FleetException>(() => new EngineProvisioner(new FakeHost { IsRoot = false }).EnsureEngineAsync(Socket, Local, CancellationToken.None));
        Assert.Contains("not running as root", e.Message);
        AssertManualSteps(e.Message);
    }

    [Fact]
    public async Task Not_debian_gets_the_manual_steps()
    {
        var host = new FakeHost { OsId = "alpine" };
        var e = await Assert.ThrowsAsync<FleetException>(() => new EngineProvisioner(host).EnsureEngineAsync(Socket, Local, CancellationToken.None));
        Assert.Contains("'alpine'", e.Message);
        AssertManualSteps(e.Message);
        Assert.Equal(0, host.Starts);
    }

    [Fact]
    public async Task Remote_endpoint_that_does_not_answer_is_never_started()
    {
        var host = new FakeHost();
        var remote = new Uri("tcp://10.0.0.5:2376");
        var e = await Assert.ThrowsAsync<FleetException>(() => new EngineProvisioner(host).EnsureEngineAsync(remote, Local, CancellationToken.None));
        Assert.Contains("tcp://10.0.0.5:2376", e.Message);
        AssertManualSteps(e.Message);
        Assert.Equal(0, host.Starts);
    }

    [Fact]
    public async Task Started_engine_that_never_answers_names_its_log()
    {
        var host = new FakeHost { AnswersAfterStart = false };
        var options = Local with { StartTimeout = TimeSpan.FromSeconds(1) };
        var e = await Assert.ThrowsAsync<FleetException>(() => new EngineProvisioner(host).EnsureEngineAsync(Socket, options, CancellationToken.None));
        Assert.Contains("dockerd.log", e.Message);
        Assert.Contains("did not answer", e.Message);
    }

    [Fact]
    public async Task Engine_that_dies_at_start_up_is_reported_at_once_with_the_tail_of_its_log()
    {
        // What CI met: a dockerd killed without cleanup left /var/run/docker.pid, and the next one refused to start.
        var root = Directory.CreateTempSubdirectory("engine-").FullName;
        try
        {
            var options = new EngineOptions(RunPaths.ForRepository(root), TimeSpan.FromSeconds(30));
            Directory.CreateDirectory(Path.GetDirectoryName(options.Paths.EngineLog)!);
            File.WriteAllText(options.Paths.EngineLog,
                "level=info msg=\"Starting up\"\nfailed to start daemon: pid file found, ensure docker is not running or delete /var/run/docker.pid\n");
            var host = new FakeHost { AnswersAfterStart = false, Dies = true };

            var e = await Assert.ThrowsAsync<FleetException>(() => new EngineProvisioner(host).EnsureEngineAsync(Socket, options, CancellationToken.None));

            Assert.Contains("dockerd exited during start-up", e.Message);
            Assert.Contains("  failed to start daemon: pid file found", e.Message);
            Assert.True(host.Pings <= 2, $"pinged {host.Pings} times after the engine died");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Log_tail_of_a_missing_log_says_it_is_empty() =>
        Assert.Equal("  (empty)", EngineProvisioner.LogTail("/nonexistent/dockerd.log", 5));

    private static void AssertManualSteps(string message)
    {
        Assert.Contains("apt-get install -y --no-install-recommends docker.io", message);
        Assert.Contains("unshare --mount --pid --fork --mount-proc dockerd --host unix:///var/run/docker.sock", message);
        Assert.Contains("DOCKER_HOST", message);
    }
}
