using YamlDotNet.RepresentationModel;

namespace TemplateFleet.UnitTests.Host;

/// <summary>Reads generated workflow YAML back with YamlDotNet, so tests check its structure, not its text.</summary>
internal static class WorkflowYamlReader
{
    public static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return node;
    }

    public static bool Has(this YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(new YamlScalarNode(key));

    public static IReadOnlyList<string> Keys(this YamlNode node, params string[] path) =>
        [.. ((YamlMappingNode)node.At(path)).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    public static string Text(this YamlNode node, params string[] path) => ((YamlScalarNode)node.At(path)).Value!;

    public static IReadOnlyList<string> Texts(this YamlNode node, params string[] path) =>
        [.. ((YamlSequenceNode)node.At(path)).Children.Cast<YamlScalarNode>().Select(s => s.Value!)];

    public static IReadOnlyDictionary<string, string> Map(this YamlNode node, params string[] path) =>
        ((YamlMappingNode)node.At(path)).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);

    /// <summary>The single job's steps (a one-job workflow, its job named after the workflow).</summary>
    public static IReadOnlyList<YamlMappingNode> Steps(this YamlMappingNode workflow) =>
        [.. ((YamlSequenceNode)((YamlMappingNode)workflow.At("jobs")).Children.Single().Value.At("steps")).Children.Cast<YamlMappingNode>()];

    /// <summary>One job's steps.</summary>
    public static IReadOnlyList<YamlMappingNode> Steps(this YamlMappingNode workflow, string job) =>
        [.. ((YamlSequenceNode)workflow.At("jobs", job, "steps")).Children.Cast<YamlMappingNode>()];

    /// <summary>Every job's steps, in job order.</summary>
    public static IReadOnlyList<YamlMappingNode> AllSteps(this YamlMappingNode workflow) =>
        [.. workflow.Keys("jobs").SelectMany(job => workflow.Steps(job))];

    /// <summary>
    /// The security rule: no expression in a run line (script injection), and secrets only as whole env values
    /// of a job's build step: <c>NAME: ${{ secrets.NAME }}</c>.
    /// </summary>
    public static void AssertValuesOnlyThroughEnvironment(string yaml)
    {
        var workflow = Parse(yaml);
        foreach (var step in workflow.AllSteps())
        {
            if (step.Has("run"))
            {
                Assert.DoesNotContain("${{", step.Text("run"), StringComparison.Ordinal);
                Assert.Matches("^./build.sh( [A-Za-z0-9]+)+$", step.Text("run"));
            }
        }

        var secretLines = yaml.Split('\n').Where(l => l.Contains("secrets.", StringComparison.Ordinal)).ToList();
        Assert.All(secretLines, line => Assert.Matches(@"^\s+([A-Z0-9_]+): \$\{\{ secrets\.\1 \}\}$", line));
        var environments = workflow.AllSteps().Where(s => s.Has("env")).SelectMany(s => s.Map("env")).ToList();
        Assert.Equal(secretLines.Count, environments.Count(e => e.Value.StartsWith("${{ secrets.", StringComparison.Ordinal)));
    }
}
