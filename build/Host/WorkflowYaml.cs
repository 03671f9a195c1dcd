using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace TemplateFleet.Host;

/// <summary>
/// Writes a <see cref="Workflow"/> as Gitea Actions YAML through YamlDotNet's node model: keys in a fixed order,
/// LF line endings, a trailing newline. The one build step runs <see cref="Workflow.Command"/>; every value
/// reaches it through <c>env:</c>.
/// </summary>
internal static partial class WorkflowYaml
{
    /// <summary>Gitea does not support actions/upload-artifact@v4 on many versions (it reports GHES); v3 works on all.</summary>
    public const string UploadArtifactAction = "actions/upload-artifact@v3";
    /// <summary>v3 pairs with upload v3; with no name it downloads every artifact of the run, each into a folder named after it.</summary>
    public const string DownloadArtifactAction = "actions/download-artifact@v3";
    public const string CheckoutAction = "actions/checkout@v4";

    private static readonly ISerializer Serializer = new SerializerBuilder().WithIndentedSequences().Build();

    public static string Write(Workflow workflow)
    {
        var root = new YamlMappingNode
        {
            { "name", Text(workflow.Name) },
            { "on", Triggers(workflow) },
        };
        if (workflow.Concurrency is { } group)
            root.Add("concurrency", new YamlMappingNode { { "group", Text(group) }, { "cancel-in-progress", Plain("false") } });
        root.Add("jobs", Jobs(workflow));
        var writer = new StringWriter { NewLine = "\n" };
        Serializer.Serialize(writer, root);
        return writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
    }

    private static YamlMappingNode Triggers(Workflow workflow)
    {
        var on = new YamlMappingNode();
        foreach (var trigger in workflow.Triggers)
        {
            if (trigger.Cron is { } cron)
            {
                // Quoted always: a cron often starts with '*', which a plain scalar would read as an alias.
                on.Add(trigger.Event, new YamlSequenceNode(new YamlMappingNode { { "cron", new YamlScalarNode(cron) { Style = ScalarStyle.DoubleQuoted } } }));
                continue;
            }

            var node = new YamlMappingNode();
            if (trigger.Branches.Count > 0)
                node.Add("branches", Sequence(trigger.Branches));

            if (trigger.Event == "workflow_dispatch" && workflow.Inputs.Count > 0)
            {
                var inputs = new YamlMappingNode();
                foreach (var input in workflow.Inputs)
                {
                    inputs.Add(input.Id, new YamlMappingNode
                    {
                        { "description", Text(input.Description) },
                        { "required", Plain(input.Required ? "true" : "false") },
                        { "type", Text("string") },
                    });
                }

                node.Add("inputs", inputs);
            }

            on.Add(trigger.Event, node);
        }

        return on;
    }

    private static YamlMappingNode Jobs(Workflow workflow)
    {
        var jobs = new YamlMappingNode();
        foreach (var job in workflow.Jobs)
            jobs.Add(job.Id, Job(job));

        return jobs;
    }

    private static YamlMappingNode Job(WorkflowJob workflow)
    {
        var job = new YamlMappingNode();
        if (workflow.Needs.Count > 0)
            job.Add("needs", Sequence(workflow.Needs));

        if (workflow.Always)
            job.Add("if", Text("always()"));

        job.Add("runs-on", workflow.RunsOn.Count == 1 ? Text(workflow.RunsOn[0]) : Sequence(workflow.RunsOn));
        if (workflow.Outputs.Count > 0)
        {
            var outputs = new YamlMappingNode();
            foreach (var output in workflow.Outputs)
                outputs.Add(output, Text($"${{{{ steps.{WorkflowJob.BuildStepId}.outputs.{output} }}}}"));

            job.Add("outputs", outputs);
        }

        if (workflow.Matrix is { } matrix)
        {
            job.Add("strategy", new YamlMappingNode
            {
                { "fail-fast", Plain("false") },
                { "matrix", new YamlMappingNode { { matrix.Key, Sequence(matrix.Values) } } },
            });
        }

        var steps = new YamlSequenceNode { new YamlMappingNode { { "uses", Text(CheckoutAction) } } };
        foreach (var path in workflow.Downloads)
        {
            steps.Add(new YamlMappingNode
            {
                { "name", Text($"Download: every artifact of the run into {path}") },
                { "uses", Text(DownloadArtifactAction) },
                { "with", new YamlMappingNode { { "path", Text(path) } } },
            });
        }

        steps.Add(Run(workflow));
        foreach (var artifact in workflow.Uploads)
        {
            steps.Add(new YamlMappingNode
            {
                { "name", Text($"Upload: {Workflow.ArtifactName(artifact.Path)}") },
                { "if", Text("always()") },
                { "uses", Text(UploadArtifactAction) },
                { "with", new YamlMappingNode { { "name", Text(artifact.Name) }, { "path", Text(artifact.Path) } } },
            });
        }

        job.Add("steps", steps);
        return job;
    }

    private static YamlMappingNode Run(WorkflowJob workflow)
    {
        var step = new YamlMappingNode();
        if (workflow.Outputs.Count > 0)
            step.Add("id", Text(WorkflowJob.BuildStepId));

        step.Add("name", Text($"Run: {string.Join(", ", workflow.InvokedTargets)}"));
        step.Add("run", Text(workflow.Command));
        if (workflow.Environment.Count > 0)
        {
            var environment = new YamlMappingNode();
            foreach (var variable in workflow.Environment)
                environment.Add(variable.Name, Text(variable.Expression));

            step.Add("env", environment);
        }

        return step;
    }

    private static YamlSequenceNode Sequence(IEnumerable<string> values) => new(values.Select(Text));

    /// <summary>A string that stays a string: quoted where a plain scalar would read as a bool, number or null.</summary>
    private static YamlScalarNode Text(string value) =>
        NotPlainString().IsMatch(value) ? new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted } : new YamlScalarNode(value);

    /// <summary>A bool or number, written plain.</summary>
    private static YamlScalarNode Plain(string value) => new(value) { Style = ScalarStyle.Plain };

    [GeneratedRegex("^(|~|null|y|n|yes|no|true|false|on|off|[-+]?[0-9][0-9_.:eE+-]*|0x[0-9a-fA-F]+|[-+]?\\.inf|\\.nan)$", RegexOptions.IgnoreCase)]
    private static partial Regex NotPlainString();
}
