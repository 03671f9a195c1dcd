using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>The embedded index works with the real pip: install into a fresh venv on the host.</summary>
public sealed class PipInstallFromIndexTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("fleet-pip-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Pip_installs_a_requested_runtime_version_and_its_console_script_runs()
    {
        var config = TemplateFleet.Fleet.FleetLoader.LoadFleet(FixtureFleet.RepositoryDirectory);
        await using var index = await EmbeddedIndex.StartAsync(config, ["1.3.0"], _work, CancellationToken.None, preferredPort: 0);
        var venv = Path.Combine(_work, "venv");
        Run("python3", "-m", "venv", venv);

        var (code, output) = Run(Path.Combine(venv, "bin", "pip"), "install", "--no-cache-dir", "--disable-pip-version-check",
            "--index-url", index.SimpleUrl.ToString(), "molecule-ai-workspace-runtime==1.3.0");
        Assert.True(code == 0, output);

        var script = Path.Combine(venv, "bin", "molecule-runtime");
        Assert.True(File.Exists(script), output);
        var (runCode, runOutput) = Run(script);
        Assert.Equal(0, runCode);
        Assert.Contains("molecule-ai-workspace-runtime 1.3.0", runOutput);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Only the loopback index: no proxy in between, nothing from the network.
        start.Environment["NO_PROXY"] = "127.0.0.1";
        start.Environment["PIP_CONFIG_FILE"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (file == "python3" && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 {string.Join(' ', args)} failed: {stderr.Result}");
        }

        return (process.ExitCode, stdout + stderr.Result);
    }
}
