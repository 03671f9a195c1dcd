using System.Diagnostics;
using System.Runtime.Versioning;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Tools;

/// <summary>
/// The build's host installs wait for apt's locks, bounded, and say so. Real apt-get, pointed (APT_CONFIG) at a
/// private dpkg admin folder whose status lists one made-up installed package, with no sources and
/// dpkg replaced by /bin/true: the host's own lock is never held and nothing is ever installed. apt takes
/// its locks with fcntl(2), so the test holds them the same way (FileStream.Lock), not with flock.
/// </summary>
[SupportedOSPlatform("linux")] // apt and dpkg are Linux's; FileStream.Lock is not on macOS.
public sealed class HostAptLockTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("apt-lock-").FullName;
    private readonly Dictionary<string, string> _environment;

    public HostAptLockTests()
    {
        foreach (var folder in new[] { "admin/updates", "admin/info", "lists/partial", "cache/archives/partial" })
        {
            Directory.CreateDirectory(Path.Combine(_root, folder));
        }
        File.WriteAllText(Path.Combine(_root, "admin", "status"), """
            Package: fleet-lock-probe
            Status: install ok installed
            Priority: optional
            Section: misc
            Installed-Size: 1
            Maintainer: none <none@localhost>
            Architecture: all
            Version: 1.0
            Description: stands in for a package the host already has


            """);
        var config = Path.Combine(_root, "apt.conf");
        File.WriteAllText(config, $"""
            Dir::Etc::parts "/dev/null";
            Dir::Etc::sourcelist "/dev/null";
            Dir::Etc::sourceparts "/dev/null";
            Dir::State::status "{_root}/admin/status";
            Dir::State::Lists "{_root}/lists";
            Dir::Cache "{_root}/cache";
            Dir::Bin::dpkg "/bin/true";
            """);
        _environment = new() { ["APT_CONFIG"] = config };
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private FileStream Hold(string lockFile)
    {
        var stream = new FileStream(Path.Combine(_root, lockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Lock(0, 1);
        return stream;
    }

    [Fact]
    public async Task Without_a_held_lock_the_install_goes_through_and_says_how_long_it_would_wait()
    {
        var result = await HostPackages.InstallAsync(["fleet-lock-probe"], CancellationToken.None, TimeSpan.FromSeconds(7), _environment);

        Assert.True(result.Succeeded, result.Output);
        Assert.Contains("apt-get install -y --no-install-recommends fleet-lock-probe (waits up to 7 s for the dpkg lock while another apt-get or dpkg holds it)", result.Output);
        Assert.Contains("fleet-lock-probe is already the newest version (1.0)", result.Output);
    }

    [Fact]
    public async Task A_dpkg_lock_held_past_the_timeout_fails_after_the_timeout_naming_the_lock()
    {
        using var held = Hold("admin/lock-frontend");
        var clock = Stopwatch.StartNew();

        var result = await HostPackages.InstallAsync(["fleet-lock-probe"], CancellationToken.None, TimeSpan.FromSeconds(2), _environment);

        Assert.False(result.Succeeded);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 20);
        Assert.Contains("Waiting for cache lock: Could not get lock", result.Output);
        Assert.Contains($"{_root}/admin/lock-frontend stayed held for 2 s by another package manager; wait until it has finished", result.Output);
        Assert.DoesNotContain("already the newest version", result.Output);
    }

    [Fact]
    public async Task A_dpkg_lock_freed_within_the_timeout_is_waited_for()
    {
        var held = Hold("admin/lock-frontend");
        var clock = Stopwatch.StartNew();
        _ = Task.Delay(2500).ContinueWith(_ => held.Dispose(), TaskScheduler.Default);

        var result = await HostPackages.InstallAsync(["fleet-lock-probe"], CancellationToken.None, TimeSpan.FromSeconds(60), _environment);

        Assert.True(result.Succeeded, result.Output);
        Assert.True(clock.Elapsed.TotalSeconds >= 2, $"finished after {clock.Elapsed.TotalSeconds:0.0} s, before the lock was freed");
        Assert.Contains("Waiting for cache lock: Could not get lock", result.Output);
        Assert.Contains("fleet-lock-probe is already the newest version (1.0)", result.Output);
    }

    [Fact]
    public async Task The_lists_lock_of_an_update_is_waited_for_too()
    {
        // An unknown package makes the script update the lists; apt-get update itself does not wait for their lock.
        var held = Hold("lists/lock");
        _ = Task.Delay(2500).ContinueWith(_ => held.Dispose(), TaskScheduler.Default);

        var result = await HostPackages.InstallAsync(["fleet-lock-missing"], CancellationToken.None, TimeSpan.FromSeconds(60), _environment);

        Assert.Contains("apt-get update (waits up to 60 s", result.Output);
        Assert.Contains($"Waiting for the apt lock (Could not get lock {_root}/lists/lock", result.Output);
        // After the wait the update ran, and the install failed for its real reason, not for a lock.
        Assert.False(result.Succeeded);
        Assert.Contains("Unable to locate package fleet-lock-missing", result.Output);
        Assert.DoesNotContain("stayed held", result.Output);
    }

    [Fact]
    public void The_embedded_script_is_the_one_ensure_engine_runs()
    {
        Assert.Equal(File.ReadAllText(Support.RepositoryRoot.Combine("build", "Tools", "host-apt-install.sh")), HostPackages.Script());
        Assert.Contains("Tools/host-apt-install.sh\"", File.ReadAllText(Support.RepositoryRoot.Combine("build", "Engine", "ensure-engine.sh")));
    }
}
