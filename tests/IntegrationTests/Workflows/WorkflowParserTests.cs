using TemplateFleet.Host;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Workflows;

/// <summary>
/// Every workflow the build generates passes GitHub's own workflow parser (@actions/workflow-parser, pinned in
/// build/Tools/tools.yaml, run with the host's Node), as the Actions service would read it; a broken file fails
/// it with the line. The drift test (UnitTests BuildWorkflowTests) keeps the committed files equal to these.
/// </summary>
public sealed class WorkflowParserTests
{
    static readonly string Script = RepositoryRoot.Combine("tests", "IntegrationTests", "Workflows", "parse-workflows.mjs");

    [Fact]
    public async Task Every_generated_workflow_passes_the_Actions_workflow_parser()
    {
        var generated = WorkflowGenerator.Generate<Build>(RepositoryRoot.Path);
        var folder = WriteAll(generated);

        var (exit, output) = await ParseAsync(generated.Keys.Select(k => Path.Combine(folder, Path.GetFileName(k))));

        Assert.True(exit == 0, output);
        foreach (var relative in generated.Keys)
            Assert.Contains($"{Path.GetFileName(relative)}: ok", output);
        Assert.Equal(generated.Count, output.Split('\n').Count(l => l.EndsWith(": ok", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_broken_workflow_fails_the_parser_naming_its_line()
    {
        var generated = WorkflowGenerator.Generate<Build>(RepositoryRoot.Path);
        var publish = generated[".gitea/workflows/publish.yml"];
        // The pins job's own "if" (four spaces in; the steps' are deeper), followed by a key the schema does not know.
        var broken = publish.Replace("\n    if: always()\n", "\n    if: always()\n    continue_on_error: true\n", StringComparison.Ordinal);
        Assert.NotEqual(publish, broken);
        var folder = WriteAll(new Dictionary<string, string> { ["publish.yml"] = broken });

        var (exit, output) = await ParseAsync([Path.Combine(folder, "publish.yml")]);

        Assert.Equal(1, exit);
        Assert.Matches(@"publish\.yml \(Line: \d+, Col: \d+\): Unexpected value 'continue_on_error'", output);
    }

    static string WriteAll(IReadOnlyDictionary<string, string> files)
    {
        var folder = RepositoryRoot.Combine("output", "tests", RunIds.New("workflows"));
        Directory.CreateDirectory(folder);
        foreach (var (relative, content) in files)
            File.WriteAllText(Path.Combine(folder, Path.GetFileName(relative)), content);
        return folder;
    }

    static async Task<(int Exit, string Output)> ParseAsync(IEnumerable<string> files)
    {
        var entry = await ToolInstaller.ForRepository(RepositoryRoot.Path).EnsureAsync(KnownTools.WorkflowParser, CancellationToken.None);
        var run = await ToolProcess.RunAsync("node", [Script, entry, .. files], RepositoryRoot.Path, TimeSpan.FromMinutes(2), CancellationToken.None);
        Console.WriteLine(run.Output);
        return (run.ExitCode, run.Output);
    }
}
