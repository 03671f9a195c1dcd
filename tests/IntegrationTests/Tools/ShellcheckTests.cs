using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Tools;

/// <summary>Every shell script of the repository is clean under shellcheck at warning level (the pinned one, from the tools folder).</summary>
public sealed class ShellcheckTests
{
    private static Task<string> ShellcheckAsync() =>
        ToolInstaller.ForRepository(RepositoryRoot.Path).EnsureAsync(KnownTools.Shellcheck, CancellationToken.None);

    /// <summary>Files git knows (tracked, or new and not ignored) that are shell scripts: *.sh, or a shebang naming sh, bash, dash or ksh.</summary>
    public static async Task<IReadOnlyList<string>> ShellScriptsAsync()
    {
        var listed = await ToolProcess.RunAsync("git", ["-C", RepositoryRoot.Path, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(listed.Succeeded, listed.Output);
        return listed.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => File.Exists(RepositoryRoot.Combine(f)) && IsShellScript(RepositoryRoot.Combine(f)))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsShellScript(string path)
    {
        if (path.EndsWith(".sh", StringComparison.Ordinal))
        {
            return true;
        }
        using var reader = new StreamReader(path);
        var first = reader.ReadLine() ?? "";
        return first.StartsWith("#!", StringComparison.Ordinal)
            && System.Text.RegularExpressions.Regex.IsMatch(first, @"^#!\S*(/env\s+)?\S*\b(sh|bash|dash|ksh)\b");
    }

    [Fact]
    public async Task Every_shell_script_is_clean_at_warning_level()
    {
        var scripts = await ShellScriptsAsync();
        // The scripts the build and CI run are among them: the search cannot come back empty-handed.
        Assert.Superset(new HashSet<string> { ".ci/run", "build.sh", "build/Engine/ensure-engine.sh", "build/Engine/second-engine.sh", "build/Tools/host-apt-install.sh", "templates/base/scripts/fleet-entrypoint" }, scripts.ToHashSet());

        var check = await ToolProcess.RunAsync(await ShellcheckAsync(), ["--severity=warning", "--format=gcc", .. scripts],
            RepositoryRoot.Path, TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.True(check.Succeeded, $"shellcheck found (fix them, or explain a disable with a comment):\n{check.Output}");
    }

    [Fact]
    public async Task The_check_fails_on_what_it_is_there_to_find()
    {
        var script = Path.Combine(Directory.CreateTempSubdirectory("shellcheck-").FullName, "bad.sh");
        await File.WriteAllTextAsync(script, "#!/usr/bin/env bash\ncd \"$(dirname \"$0\")/..\"\n");

        var check = await ToolProcess.RunAsync(await ShellcheckAsync(), ["--severity=warning", "--format=gcc", script], null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Directory.Delete(Path.GetDirectoryName(script)!, recursive: true);

        Assert.False(check.Succeeded);
        Assert.Contains("bad.sh:2:1: warning: Use 'cd ... || exit' or 'cd ... || return' in case cd fails. [SC2164]", check.Output);
    }
}
