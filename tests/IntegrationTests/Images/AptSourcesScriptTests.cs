using IntegrationTests.Gates;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>
/// templates/base/apt/fleet-apt-sources in the fleet's OS image, offline (--network none: apt reads its sources
/// without downloading), on the source shapes an OS image may come with: the one-line list debootstrap writes,
/// deb822 as Debian's own images carry it (updates and security listed already), a snapshot archive, and an
/// archive it cannot derive the security archive from. The archive names are made up: nothing is fetched.
/// </summary>
public sealed class AptSourcesScriptTests : IAsyncLifetime
{
    readonly EngineFixture _engine = new();
    readonly string _runId = RunIds.New("apt");
    string _os = null!;

    public async Task InitializeAsync()
    {
        await _engine.InitializeAsync();
        _os = await TestOsImage.EnsureAsync();
    }

    public Task DisposeAsync() => _engine.CleanupRunAsync(_runId);

    /// <summary>Replaces the image's apt sources with <paramref name="sources"/> (at <paramref name="file"/>), runs
    /// the script with <paramref name="arguments"/>, then prints what it added; returns exit code and output.</summary>
    async Task<(int Exit, string Output)> RunAsync(string file, string sources, string arguments = "")
    {
        var script = RepositoryRoot.Combine("templates", "base", "apt");
        var shell = "rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*; printf '%s' \"$1\" > \"$2\"; "
            + $"fleet-apt-sources {arguments} 2>&1; code=$?; echo \"exit=$code\"; cat /etc/apt/sources.list.d/fleet-updates-security.list 2>/dev/null; exit 0";
        var output = await FixtureImages.Docker(["run", "--rm", "--network", "none", "--label", $"{Labels.Run}={_runId}", "--user", "0",
            "-v", $"{script}:/fleet-apt:ro", "-e", "PATH=/fleet-apt:/usr/sbin:/usr/bin:/sbin:/bin", "--entrypoint", "bash", _os,
            "-c", shell, "sh", sources, file]);
        var lines = output.Split('\n').ToList();
        var exit = lines.Single(l => l.StartsWith("exit=", StringComparison.Ordinal));
        return (int.Parse(exit["exit=".Length..], System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public async Task A_one_line_list_gets_updates_and_security_from_the_same_archive_and_its_components()
    {
        var (exit, output) = await RunAsync("/etc/apt/sources.list", "deb http://archive.invalid/debian bookworm main contrib\n");
        Assert.True(exit == 0, output);
        Assert.Contains("deb http://archive.invalid/debian bookworm-updates main contrib\n", output);
        Assert.Contains("deb http://archive.invalid/debian-security bookworm-security main contrib\n", output);

        var (listed, archives) = await RunAsync("/etc/apt/sources.list", "deb http://archive.invalid/debian/ bookworm main contrib\n", "--archives");
        Assert.True(listed == 0, archives);
        Assert.StartsWith("http://archive.invalid/debian main contrib\nexit=0\n", archives);
    }

    [Fact]
    public async Task Pockets_of_another_suite_are_its_updates_and_security_at_the_same_archives()
    {
        // fleet-apt-fetch's private list: the Docker CLI's suite with the pockets Debian moves packages into.
        var (exit, output) = await RunAsync("/etc/apt/sources.list", "deb http://archive.invalid/debian bookworm main contrib\n", "--pockets trixie");
        Assert.True(exit == 0, output);
        Assert.StartsWith("deb http://archive.invalid/debian trixie main contrib\n"
            + "deb http://archive.invalid/debian trixie-updates main contrib\n"
            + "deb http://archive.invalid/debian-security trixie-security main contrib\nexit=0\n", output);

        (exit, output) = await RunAsync("/etc/apt/sources.list", "deb http://archive.invalid/mirror bookworm main\n", "--pockets trixie");
        Assert.Equal(1, exit);
        Assert.Contains("cannot derive the trixie-security archive from it", output);
        Assert.DoesNotContain("deb ", output);
    }

    [Fact]
    public async Task Deb822_sources_that_list_both_already_are_left_alone()
    {
        var sources = "Types: deb\nURIs: http://archive.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n"
            + "Types: deb\nURIs: http://archive.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n";
        var (exit, output) = await RunAsync("/etc/apt/sources.list.d/debian.sources", sources);
        Assert.True(exit == 0, output);
        Assert.Contains("the image already lists bookworm-updates and bookworm-security", output);
        Assert.DoesNotContain("deb ", output);
    }

    [Fact]
    public async Task A_snapshot_archive_keeps_its_date_for_security()
    {
        var (exit, output) = await RunAsync("/etc/apt/sources.list", "deb http://snapshot.invalid/archive/debian/20250520T000000Z bookworm main\n");
        Assert.True(exit == 0, output);
        Assert.Contains("deb http://snapshot.invalid/archive/debian-security/20250520T000000Z bookworm-security main\n", output);
    }

    [Fact]
    public async Task An_archive_it_cannot_derive_from_or_no_source_for_the_suite_fails_naming_why()
    {
        var (exit, output) = await RunAsync("/etc/apt/sources.list", "deb http://archive.invalid/mirror bookworm main\n");
        Assert.Equal(1, exit);
        Assert.Contains("fleet-apt-sources: http://archive.invalid/mirror does not end in /debian; cannot derive the bookworm-security archive from it", output);
        Assert.DoesNotContain("bookworm-security main", output);

        (exit, output) = await RunAsync("/etc/apt/sources.list", "deb http://archive.invalid/debian trixie main\n");
        Assert.Equal(1, exit);
        Assert.Contains("fleet-apt-sources: no apt source lists bookworm; cannot derive its archives", output);
    }
}
