using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Tools;

/// <summary>
/// Real installs from the real sources (Debian's archive through the private apt configuration, npm, NuGet).
/// The cache folder's tools folder keeps them (the tests' own, TestCache), so only the first run pays; the fault
/// cases use a folder of their own and shellcheck, the smallest package.
/// </summary>
public sealed class ToolInstallerTests : IDisposable
{
    private static readonly ToolInstaller Repository = ToolInstaller.ForRepository(RepositoryRoot.Path);
    private readonly string _folder = Directory.CreateTempSubdirectory("tools-it-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Tools => new(KnownTools.All);

    // A tools folder of its own that shares the repository's private apt state (no second index download).
    private ToolInstaller Isolated(string yaml) =>
        new(ToolManifest.Parse(yaml, "tools.yaml"), _folder, Repository.AptDirectory);

    private static string Shellcheck(string packageVersion = "0.9.0-1", string expect = "version: 0.9.0") => $"""
        tools:
          shellcheck:
            version: 0.9.0
            debian: {"{"}suite: bookworm, package: shellcheck, version: {packageVersion}{"}"}
            binary: usr/bin/shellcheck
            check: {"{"}args: [--version], expect: "{expect}"{"}"}
        """;

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Each_pinned_tool_installs_into_its_folder_and_runs(string tool)
    {
        var pin = Repository.Manifest[tool];

        var binary = await Repository.EnsureAsync(tool, CancellationToken.None);

        Assert.Equal(Path.Combine(TestCache.Root, "tools", tool, pin.Version, pin.Binary), binary);
        Assert.True(Repository.IsInstalled(pin, Repository.FolderOf(pin)));
        // Also on a cache hit: the binary really runs here and prints what the pin expects.
        await ToolInstaller.CheckAsync(pin, binary, "tools.yaml", CancellationToken.None);
        Assert.Equal(binary, await Repository.EnsureAsync(tool, CancellationToken.None));
    }

    [Fact]
    public async Task Two_installs_at_once_make_one_complete_folder()
    {
        var yaml = Shellcheck();
        var (first, second) = (Isolated(yaml), Isolated(yaml));

        var paths = await Task.WhenAll(first.EnsureAsync("shellcheck", CancellationToken.None), second.EnsureAsync("shellcheck", CancellationToken.None));

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(Path.Combine(_folder, "shellcheck", "0.9.0", "usr", "bin", "shellcheck"), paths[0]);
        Assert.Equal(["0.9.0"], Directory.GetDirectories(Path.Combine(_folder, "shellcheck")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_killed_install_leaves_nothing_the_next_install_keeps()
    {
        var leftover = Directory.CreateDirectory(Path.Combine(_folder, "shellcheck", ".partial-0.9.0-killed")).FullName;
        File.WriteAllText(Path.Combine(leftover, "half"), "");

        await Isolated(Shellcheck()).EnsureAsync("shellcheck", CancellationToken.None);

        Assert.False(Directory.Exists(leftover));
    }

    [Fact]
    public async Task A_changed_pin_replaces_the_folder_of_the_older_one()
    {
        await Isolated(Shellcheck()).EnsureAsync("shellcheck", CancellationToken.None);
        var receipt = Path.Combine(_folder, "shellcheck", "0.9.0", ToolInstaller.ReceiptFile);
        File.WriteAllText(receipt, File.ReadAllText(receipt).Replace("0.9.0-1", "0.9.0-0"));
        var installer = Isolated(Shellcheck());
        var pin = installer.Manifest["shellcheck"];
        Assert.False(installer.IsInstalled(pin, installer.FolderOf(pin)));

        await installer.EnsureAsync("shellcheck", CancellationToken.None);

        Assert.True(installer.IsInstalled(pin, installer.FolderOf(pin)));
        Assert.Contains("shellcheck=0.9.0-1", File.ReadAllText(receipt));
    }

    [Fact]
    public async Task A_version_the_archive_does_not_serve_is_refused_naming_what_it_serves()
    {
        var e = await Assert.ThrowsAsync<ToolException>(() => Isolated(Shellcheck(packageVersion: "0.9.0-99")).EnsureAsync("shellcheck", CancellationToken.None));

        Assert.Equal("shellcheck 0.9.0: Debian's bookworm does not serve shellcheck=0.9.0-99; it serves 0.9.0-1. Pin one of them as debian.version in tools.yaml:2.", e.Message);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_folder, "shellcheck")));
    }

    [Fact]
    public async Task A_binary_that_does_not_report_the_pin_leaves_no_folder()
    {
        var e = await Assert.ThrowsAsync<ToolException>(() => Isolated(Shellcheck(expect: "version: 9.9.9")).EnsureAsync("shellcheck", CancellationToken.None));

        Assert.StartsWith("shellcheck 0.9.0: `shellcheck --version` ran but did not print 'version: 9.9.9' (tools.yaml:2: 'check'); nothing was installed.", e.Message);
        Assert.Contains("version: 0.9.0", e.Message);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_folder, "shellcheck")));
    }
}
