using TemplateFleet.IntegrationTests.Support;

namespace IntegrationTests.TemplateTests;

/// <summary>Bad `tests` input, through ./build.sh Restore as a user runs it on a copy of the repository: one line
/// naming file:line:column, exit 1, nothing built.</summary>
public sealed class TemplateTestsRestoreTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("template-tests-restore-").FullName;

    public TemplateTestsRestoreTests() => UnitTests.TreeCopy.Repository(RepositoryRoot.Path, root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    async Task<string> RestoreFailsAsync(string log)
    {
        var (exit, output) = await BuildScript.RunAsync(log, root, new Dictionary<string, string>(), "Restore", "--runtime-version", "1.0.0");
        Assert.True(exit == 1, $"expected Restore to fail (exit 1), got {exit}\n{BuildScript.Tail(output)}");
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("═══ BuildBase", output);
        return output;
    }

    void Replace(string relative, string from, string to)
    {
        var path = Path.Combine(root, relative);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tests_folder_that_does_not_exist_fails_restore_naming_file_line_column()
    {
        Replace("templates/hermes/template.yaml", "  folder: tests ", "  folder: tset  ");
        var output = await RestoreFailsAsync("template-tests-restore-folder.log");
        Assert.Matches(@"Target Restore failed: templates/hermes/template\.yaml:\d+:11: 'tests\.folder' names templates/hermes/tset/, which does not exist; create it or fix the path", output);
    }

    [Fact]
    public async Task A_tests_key_of_the_wrong_type_fails_restore_naming_file_line_column()
    {
        var manifest = Path.Combine(root, "templates", "codex", "template.yaml");
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text[..text.IndexOf("tests:", StringComparison.Ordinal)] + "tests: [tests]\n");
        var output = await RestoreFailsAsync("template-tests-restore-type.log");
        Assert.Matches(@"Target Restore failed: templates/codex/template\.yaml:\d+:8: 'tests' must be a mapping, got a list", output);
    }

    [Fact]
    public async Task A_fleet_suite_that_does_not_exist_fails_restore_naming_file_line_column()
    {
        Replace("templates/fleet.yaml", "  - folder: base/tests/askpass ", "  - folder: base/tests/askpas  ");
        var output = await RestoreFailsAsync("template-tests-restore-suite.log");
        Assert.Matches(@"templates/fleet\.yaml:\d+:15: 'tests\.suites\[1\]\.folder' names templates/base/tests/askpas/, which does not exist", output);
    }
}
