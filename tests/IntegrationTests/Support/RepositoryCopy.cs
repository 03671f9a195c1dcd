using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// Copies of this repository for tests that run ./build.sh (never in the checkout: a test writes no pin or
/// result into it): what git holds here without tests/ and pin files, as its own git repository with one commit.
/// Every copy's leaf is <see cref="FolderName"/>, as a runner checks a repository out into a folder named after it
/// (act_runner: the workspace's owner/name): with no publishable remote, images carry that name as their source
/// label, so the base has the same id in every run whatever this checkout is called (a fresh CI clone included),
/// and the templates' layers above it stay in engine A's cache from one run to the next.
/// </summary>
public static class RepositoryCopy
{
    /// <summary>The leaf of every copy, and so the images' source label: the forge fakes' repository name.</summary>
    public const string FolderName = "template-fleet";

    /// <summary>A copy at <paramref name="parent"/>/<see cref="FolderName"/>, committed as <paramref name="message"/>.</summary>
    public static async Task<string> MakeAsync(string parent, string message = "the fleet")
    {
        var root = Path.Combine(parent, FolderName);
        var files = (await Git.RunAsync(RepositoryRoot.Path, "ls-files", "-co", "--exclude-standard")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => !f.StartsWith("tests/", StringComparison.Ordinal) && Path.GetFileName(f) != PinFile.FileName && File.Exists(Path.Combine(RepositoryRoot.Path, f)));
        foreach (var file in files)
        {
            var target = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepositoryRoot.Path, file), target); // modes come along (build.sh stays executable)
        }
        await Git.InitAsync(root, message);
        return root;
    }

    /// <summary>Installs trivy and cosign in the tests' cache (the build's own installer, at their pins) once per process: every
    /// copy's build finds them there (FLEET_CACHE_HOME, a runner's tool cache).</summary>
    public static async Task<SupplyChainTools> SupplyChainToolsAsync()
    {
        await ToolsLock.WaitAsync();
        try
        {
            return tools ??= await SupplyChainTools.EnsureAsync(ToolInstaller.ForRepository(RepositoryRoot.Path, TestCache.Home), TestCache.Home,
                new RunPaths(RepositoryRoot.Path, RepositoryRoot.Combine("output", "tests", "supply-chain-tools")), CancellationToken.None);
        }
        finally
        {
            ToolsLock.Release();
        }
    }

    /// <summary>A symbolic link at <paramref name="to"/> to the folder <paramref name="from"/>.</summary>
    public static void Link(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        if (!Directory.Exists(to))
            Directory.CreateSymbolicLink(to, from);
    }

    static readonly SemaphoreSlim ToolsLock = new(1, 1);
    static SupplyChainTools? tools;
}
