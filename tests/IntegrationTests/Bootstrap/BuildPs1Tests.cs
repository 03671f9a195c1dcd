using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Bootstrap;

/// <summary>build.ps1 run for real, through the pinned PowerShell from the tools folder, as build.sh is run.</summary>
public sealed class BuildPs1Tests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    internal static Task<string> PwshAsync() =>
        ToolInstaller.ForRepository(RepositoryRoot.Path).EnsureAsync(KnownTools.Pwsh, CancellationToken.None);

    internal static async Task<(int Exit, string Output)> BuildPs1Async(string log, string root, params string[] args) =>
        await BuildScript.RunProgramAsync(log, root, NoEnvironment, await PwshAsync(),
            ["-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "build.ps1"), .. args]);

    [Fact]
    public async Task Help_is_the_same_as_through_build_sh()
    {
        var (exit, output) = await BuildPs1Async("build-ps1.help.log", RepositoryRoot.Path, "--help");
        var (shExit, shOutput) = await BuildScript.RunAsync("build-sh.help.log", RepositoryRoot.Path, NoEnvironment, "--help");

        Assert.Equal((0, 0), (exit, shExit));
        Assert.Contains("T4Conformance", output);
        Assert.Equal(shOutput, output);
    }

    [Fact]
    public async Task Plan_lists_the_execution_order_and_runs_nothing()
    {
        var (exit, output) = await BuildPs1Async("build-ps1.plan.log", RepositoryRoot.Path, "--plan", "T4Conformance");
        var (shExit, shOutput) = await BuildScript.RunAsync("build-sh.plan.log", RepositoryRoot.Path, NoEnvironment, "--plan", "T4Conformance");

        Assert.Equal((0, 0), (exit, shExit));
        Assert.Matches(@"Execution plan for T4Conformance \(\d+ targets\):", output);
        Assert.Matches(@"1\. Restore[\s\S]*\. BuildImage[\s\S]*\. T4Conformance", output);
        Assert.DoesNotContain("═══ Restore", output); // a plan runs nothing
        Assert.Equal(shOutput, output);
    }

    [Fact]
    public async Task A_usage_error_exits_2_with_one_line()
    {
        var (exit, output) = await BuildPs1Async("build-ps1.usage.log", RepositoryRoot.Path, "Nope");
        var (shExit, shOutput) = await BuildScript.RunAsync("build-sh.usage.log", RepositoryRoot.Path, NoEnvironment, "Nope");

        Assert.Equal((2, 2), (exit, shExit));
        var line = Assert.Single(output.Trim().Split('\n'));
        Assert.StartsWith("error: Target 'Nope' is unknown. Did you mean 'Smoke'? Valid targets: Restore, ", line);
        foreach (var target in new[] { "BuildImage", "Smoke", "T4Conformance", "Publish", "Cascade" })
            Assert.Contains($" {target},", line);
        Assert.Equal(shOutput.Trim(), line);
    }

    [Fact]
    public async Task A_real_Restore_passes()
    {
        var (exit, output) = await BuildPs1Async("build-ps1.restore.log", RepositoryRoot.Path, "Restore");

        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.Matches(@"Restore\s+Succeeded", output);
        Assert.Contains("Docker engine", output);
    }
}
