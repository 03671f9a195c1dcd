using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TemplateFleet.Host;

/// <summary>
/// Turns the build class's [GiteaActions] attributes into workflows: Gitea Actions YAML nodes, keys in a fixed order, one
/// job named after the workflow or the jobs its [GiteaActionsJob] attributes declare, in <c>needs</c> order; the one build
/// step of a job runs <c>./build.sh</c> with target names only, and every value reaches it through <c>env:</c>. Every
/// target and parameter name must exist; a mistake is a usage error naming the workflow, the property, the name and the
/// valid ones.
/// </summary>
internal sealed partial class WorkflowResolver(NukeBuild build, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
{
    private string BuildName => build.GetType().Name;

    /// <summary>Gitea does not support actions/upload-artifact@v4 on many versions (it reports GHES); v3 works on all.</summary>
    private const string UploadArtifactAction = "actions/upload-artifact@v3";
    /// <summary>v3 pairs with upload v3; with no name it downloads every artifact of the run, each into a folder named after it.</summary>
    private const string DownloadArtifactAction = "actions/download-artifact@v3";
    private const string CheckoutAction = "actions/checkout@v4";

    /// <summary>The build step's id, which a job's outputs are read from.</summary>
    private const string BuildStepId = "build";

    public static IReadOnlyList<(string Name, YamlMappingNode Yaml)> Resolve(NukeBuild build, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var resolver = new WorkflowResolver(build, targets, parameters);
        var attributes = build.GetType().GetCustomAttributes<GiteaActionsAttribute>(inherit: true).ToList();
        var jobs = build.GetType().GetCustomAttributes<GiteaActionsJobAttribute>(inherit: true).ToList();
        foreach (var orphan in jobs.Where(j => !attributes.Any(a => a.Name == j.Workflow)))
            throw new InvalidUsageException($"[GiteaActionsJob(\"{orphan.Workflow}\", \"{orphan.Id}\")] names no [GiteaActions] workflow of {resolver.BuildName}.{Similarity.Hint(orphan.Workflow, attributes.Select(a => a.Name))}");

        var workflows = new List<(string Name, YamlMappingNode Yaml)>();
        foreach (var attribute in attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var workflow = resolver.Resolve(attribute, [.. jobs.Where(j => j.Workflow == attribute.Name)]);
            if (workflows.Any(w => string.Equals(w.Name, workflow.Name, StringComparison.OrdinalIgnoreCase)))
                throw new InvalidUsageException($"[GiteaActions(\"{attribute.Name}\")] is declared twice on {resolver.BuildName}; workflow names must be unique.");

            workflows.Add(workflow);
        }

        return workflows;
    }

    private (string Name, YamlMappingNode Yaml) Resolve(GiteaActionsAttribute attribute, IReadOnlyList<GiteaActionsJobAttribute> jobAttributes)
    {
        var context = new AttributeContext(attribute.Name);
        if (!JobId().IsMatch(attribute.Name))
            throw context.Error("name", $"'{attribute.Name}' must start with a letter or '_' and hold only letters, digits, '-' and '_' (it is the file name and the job id).");

        var runsOn = NonBlank(context, nameof(attribute.RunsOn), attribute.RunsOn);
        if (runsOn.Count == 0)
            throw context.Error(nameof(attribute.RunsOn), "is empty: name the runner label(s) the job needs.");

        // Inputs belong to the workflow; every job sees them.
        var inputs = new YamlMappingNode();
        var inputValues = new List<(string Property, ParameterDescriptor Parameter, string Expression)>();
        foreach (var (property, names, required) in new[]
        {
            (nameof(attribute.OnWorkflowDispatchRequiredInputs), attribute.OnWorkflowDispatchRequiredInputs, true),
            (nameof(attribute.OnWorkflowDispatchOptionalInputs), attribute.OnWorkflowDispatchOptionalInputs, false),
        })
        {
            foreach (var parameter in names.Select(name => Parameter(context, property, name, secret: false)))
            {
                var id = SnakeCase(parameter);
                inputs.Add(id, Map(
                    ("description", parameter.Description.Length > 0 ? parameter.Description : parameter.Name),
                    ("required", required),
                    ("type", "string")));
                inputValues.Add((property, parameter, $"github.event.inputs.{id}"));
            }
        }

        List<ResolvedJob> jobs;
        if (jobAttributes.Count == 0)
        {
            // One job, named after the workflow, with the workflow's targets, matrix and artifacts.
            var single = new GiteaActionsJobAttribute(attribute.Name, attribute.Name)
            {
                InvokedTargets = attribute.InvokedTargets,
                MatrixParameter = attribute.MatrixParameter,
                PublishArtifacts = attribute.PublishArtifacts,
            };
            jobs = [Job(context, attribute, single, runsOn, multiple: false, inputValues, [])];
        }
        else
        {
            foreach (var (property, set) in new[]
            {
                (nameof(attribute.InvokedTargets), attribute.InvokedTargets.Length > 0),
                (nameof(attribute.MatrixParameter), attribute.MatrixParameter is not null),
                (nameof(attribute.PublishArtifacts), attribute.PublishArtifacts.Length > 0),
            })
            {
                if (set)
                    throw context.Error(property, "belongs to its jobs: a workflow with [GiteaActionsJob] attributes sets it on each job.");
            }

            jobs = [];
            foreach (var job in InNeedsOrder(context, jobAttributes))
                jobs.Add(Job(context, attribute, job, runsOn, multiple: true, inputValues, jobs));
        }

        var root = Map(
            ("name", attribute.Name),
            ("on", Triggers(context, attribute, inputs)),
            ("concurrency", attribute.Concurrency is { } group ? Map(("group", group), ("cancel-in-progress", false)) : null),
            ("jobs", Map(jobs.Select(j => (j.Id, (object?)j.Yaml)))));
        return (attribute.Name, root);
    }

    /// <summary>One job: its own settings, and the workflow's runner, variables, secrets and context, which every job gets.</summary>
    /// <param name="multiple">A job of several: messages name it ("jobs.base.") and its artifact names start with its id, as they
    /// must differ across the jobs.</param>
    private ResolvedJob Job(AttributeContext context, GiteaActionsAttribute workflow, GiteaActionsJobAttribute job, IReadOnlyList<string> runsOn,
        bool multiple, IReadOnlyList<(string Property, ParameterDescriptor Parameter, string Expression)> inputs, IReadOnlyList<ResolvedJob> earlier)
    {
        var where = multiple ? $"jobs.{job.Id}." : "";
        if (multiple && !JobId().IsMatch(job.Id))
            throw context.Error(where + "id", $"'{job.Id}' must start with a letter or '_' and hold only letters, digits, '-' and '_'.");

        var invoked = job.InvokedTargets.Select(t => Target(context, where + nameof(GiteaActionsAttribute.InvokedTargets), t)).ToList();
        if (invoked.Count == 0)
            throw context.Error(where + nameof(GiteaActionsAttribute.InvokedTargets), "is empty: name the targets the job runs.");

        var environment = new YamlMappingNode();
        var passed = new Dictionary<string, string>(StringComparer.Ordinal);
        void Pass(string property, ParameterDescriptor parameter, string expression)
        {
            if (!passed.TryAdd(parameter.Name, property))
                throw context.Error(where + property, $"'{parameter.Name}' is already passed by {passed[parameter.Name]}; a parameter gets one source.");

            environment.Add(parameter.EnvironmentName, Node($"${{{{ {expression} }}}}"));
        }

        var matrix = Matrix(context, where, job.MatrixParameter);
        if (matrix is not null)
            Pass(nameof(GiteaActionsAttribute.MatrixParameter), matrix.Value.Parameter, $"matrix.{matrix.Value.Key}");

        foreach (var (property, parameter, expression) in inputs)
            Pass(property, parameter, expression);

        foreach (var name in job.ImportOutputs)
        {
            const string property = nameof(GiteaActionsJobAttribute.ImportOutputs);
            var parameter = Parameter(context, where + property, name, secret: false);
            var from = earlier.Where(j => job.Needs.Contains(j.Id) && j.Outputs.Contains(parameter.OutputId)).Select(j => j.Id).ToList();
            var source = from.Count == 1
                ? from[0]
                : throw context.Error(where + property, from.Count == 0
                    ? $"'{name}' is no output of a job '{job.Id}' needs; declare it in that job's Outputs and name the job in Needs."
                    : $"'{name}' is an output of {string.Join(" and ", from)}; a parameter gets one source.");
            Pass(property, parameter, $"needs.{source}.outputs.{parameter.OutputId}");
        }

        foreach (var entry in workflow.ImportContext.Concat(job.ImportContext))
        {
            var (name, expression) = ContextEntry(context, entry);
            Pass(nameof(GiteaActionsAttribute.ImportContext), Parameter(context, where + nameof(GiteaActionsAttribute.ImportContext), name, secret: false), expression);
        }

        // Variables and secrets are stored under the parameter's environment name: ${{ vars.REGISTRY }}, ${{ secrets.REGISTRY_PASSWORD }}.
        foreach (var (property, names, store) in new[]
        {
            (nameof(GiteaActionsAttribute.ImportVariables), workflow.ImportVariables, "vars"),
            (nameof(GiteaActionsAttribute.ImportSecrets), workflow.ImportSecrets.Concat(job.ImportSecrets).ToArray(), "secrets"),
        })
        {
            foreach (var parameter in names.Select(name => Parameter(context, where + property, name, secret: store == "secrets")))
                Pass(property, parameter, $"{store}.{StoredName(context, property, parameter)}");
        }

        if (matrix is not null && job.Outputs.Length > 0)
            throw context.Error(where + nameof(GiteaActionsJobAttribute.Outputs), $"a matrix job has one value of each output per matrix entry; '{job.Id}' cannot hand '{job.Outputs[0]}' on.");

        var outputs = job.Outputs.Select(name => Parameter(context, where + nameof(GiteaActionsJobAttribute.Outputs), name, secret: false).OutputId).ToList();

        var uploads = Artifacts(context, where + nameof(GiteaActionsAttribute.PublishArtifacts), job.PublishArtifacts);
        var downloads = Artifacts(context, where + nameof(GiteaActionsJobAttribute.DownloadArtifacts), job.DownloadArtifacts);
        var timeout = job.TimeoutMinutes != 0 ? job.TimeoutMinutes : workflow.TimeoutMinutes;
        if (timeout < 0)
            throw context.Error(where + nameof(GiteaActionsJobSettings.TimeoutMinutes), $"is {timeout}: give the minutes a job may run (more than 0), or leave it out.");

        var prefix = multiple ? job.Id + "-" : "";
        var suffix = matrix is { } mx ? $"-${{{{ matrix.{mx.Key} }}}}" : "";
        YamlNode[] steps =
        [
            Map(("uses", CheckoutAction)),
            .. downloads.Select(path => Map(
                ("name", $"Download: every artifact of the run into {path}"),
                ("uses", DownloadArtifactAction),
                ("with", Map(("path", path))))),
            // Only target names in the command: values come through env.
            Map(
                ("id", outputs.Count > 0 ? BuildStepId : null),
                ("name", $"Run: {string.Join(", ", invoked)}"),
                ("run", "./build.sh " + string.Join(' ', invoked)),
                ("env", environment.Children.Count > 0 ? environment : null)),
            .. uploads.Select(path => Map(
                ("name", $"Upload: {ArtifactName(path)}"),
                ("if", "always()"),
                ("uses", UploadArtifactAction),
                ("with", Map(("name", prefix + ArtifactName(path) + suffix), ("path", path))))),
        ];
        var node = Map(
            // InNeedsOrder checked every need: a job of this workflow, so an earlier one.
            ("needs", job.Needs.Length > 0 ? job.Needs : null),
            ("if", job.Always ? "always()" : null),
            ("runs-on", runsOn.Count == 1 ? runsOn[0] : runsOn),
            ("timeout-minutes", timeout > 0 ? timeout : null),
            ("outputs", outputs.Count > 0 ? Map(outputs.Select(o => (o, (object?)$"${{{{ steps.{BuildStepId}.outputs.{o} }}}}"))) : null),
            ("strategy", matrix is { } m ? Map(("fail-fast", false), ("matrix", Map((m.Key, m.Values)))) : null),
            ("steps", steps));
        return new ResolvedJob(job.Id, outputs, node);
    }

    /// <summary>A job as later jobs of its workflow see it: what they may need and import.</summary>
    private sealed record ResolvedJob(string Id, IReadOnlyList<string> Outputs, YamlMappingNode Yaml);

    /// <summary>Jobs after the jobs they need (Gitea and GitHub run them so), independent ones by id: the file never depends on the
    /// order reflection returns attributes in.</summary>
    private static List<GiteaActionsJobAttribute> InNeedsOrder(AttributeContext context, IReadOnlyList<GiteaActionsJobAttribute> jobs)
    {
        foreach (var duplicate in jobs.GroupBy(j => j.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            throw context.Error($"jobs.{duplicate.Key}", "is declared twice; job ids must be unique in a workflow.");

        foreach (var job in jobs)
        {
            foreach (var need in job.Needs.Where(n => jobs.All(j => j.Id != n)))
                throw context.Error($"jobs.{job.Id}.{nameof(GiteaActionsJobAttribute.Needs)}", $"'{need}' is not a job of this workflow.{Similarity.Hint(need, jobs.Select(j => j.Id))}");
        }

        return ExecutionPlanner.InOrder(jobs.OrderBy(j => j.Id, StringComparer.Ordinal), job => jobs.Where(j => job.Needs.Contains(j.Id)), (stuck, pending) =>
            context.Error($"jobs.{stuck.Id}.{nameof(GiteaActionsJobAttribute.Needs)}",
                $"'{stuck.Needs.First(n => pending.Any(p => p.Id == n))}' and '{stuck.Id}' need each other (directly or through others): no job could start."));
    }

    private static YamlMappingNode Triggers(AttributeContext context, GiteaActionsAttribute attribute, YamlMappingNode inputs)
    {
        var pushBranches = NonBlank(context, nameof(attribute.OnPushBranches), attribute.OnPushBranches);
        var cron = attribute.OnCronSchedule?.Trim();
        if (cron is not null && !Cron().IsMatch(cron))
            throw context.Error(nameof(attribute.OnCronSchedule), $"'{attribute.OnCronSchedule}' is not a five-field cron expression (minute hour day-of-month month day-of-week, e.g. \"17 * * * *\").");

        var on = Map(
            ("push", attribute.On.Contains(GiteaActionsTrigger.Push) || pushBranches.Count > 0 ? Map(("branches", pushBranches.Count > 0 ? pushBranches : null)) : null),
            ("pull_request", attribute.On.Contains(GiteaActionsTrigger.PullRequest) ? Map() : null),
            ("workflow_dispatch", attribute.On.Contains(GiteaActionsTrigger.WorkflowDispatch) || inputs.Children.Count > 0 ? Map(("inputs", inputs.Children.Count > 0 ? inputs : null)) : null),
            // Quoted always: a cron often starts with '*', which a plain scalar would read as an alias.
            ("schedule", cron is null ? null : new YamlSequenceNode(Map(("cron", new YamlScalarNode(cron) { Style = ScalarStyle.DoubleQuoted })))));
        return on.Children.Count > 0
            ? on
            : throw context.Error(nameof(attribute.On), "has no trigger: set On, OnPushBranches, OnCronSchedule or workflow_dispatch inputs.");
    }

    /// <summary>One job per value; the job sees its value as <c>${{ matrix.&lt;Key&gt; }}</c>.</summary>
    private (string Key, List<string> Values, ParameterDescriptor Parameter)? Matrix(AttributeContext context, string where, string? name)
    {
        if (name is null)
        {
            return null;
        }

        var property = where + nameof(GiteaActionsAttribute.MatrixParameter);
        var parameter = Parameter(context, property, name, secret: false);
        if (parameter.ValueType != typeof(string[]))
            throw context.Error(property, $"'{name}' is a {parameter.TypeName} parameter; the matrix fans out over a string[] parameter.");

        var values = (build.WorkflowMatrix(parameter.Name) ?? []).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return values.Count > 0
            ? (SnakeCase(parameter), values, parameter)
            : throw context.Error(property, $"'{name}' has no values: override WorkflowMatrix(\"{name}\") in {BuildName} to return them.");
    }

    private string Target(AttributeContext context, string property, string name)
    {
        if (targets.Any(t => t.Name == name))
        {
            return name;
        }

        var valid = targets.Where(t => t.Listed).Select(t => t.Name).ToList();
        throw context.Error(property, $"'{name}' is not a target of {BuildName}.{Similarity.Hint(name, valid)} Targets: {string.Join(", ", valid)}.");
    }

    private ParameterDescriptor Parameter(AttributeContext context, string property, string name, bool secret)
    {
        var parameter = parameters.FirstOrDefault(p => p.Name == name);
        if (parameter is null)
        {
            var valid = parameters.Where(p => p.IsSecret == secret).Select(p => p.Name).ToList();
            var kind = secret ? "[Secret] parameter" : "parameter";
            throw context.Error(property, $"'{name}' is not a {kind} of {BuildName}.{Similarity.Hint(name, valid)} {char.ToUpperInvariant(kind[0])}{kind[1..]}s: {string.Join(", ", valid.DefaultIfEmpty("(none)"))}.");
        }

        if (parameter.IsSecret != secret)
        {
            throw context.Error(property, secret
                ? $"'{name}' is not a [Secret] parameter; pass it as an input, a variable or from the context."
                : $"'{name}' is a [Secret] parameter; pass it with ImportSecrets only, whose values Gitea masks.");
        }

        return parameter;
    }

    /// <summary>Secrets and variables are stored under the parameter's environment name, which Gitea must accept.</summary>
    private static string StoredName(AttributeContext context, string property, ParameterDescriptor parameter)
    {
        var name = parameter.EnvironmentName;
        return name.StartsWith("GITHUB_", StringComparison.Ordinal) || name.StartsWith("GITEA_", StringComparison.Ordinal)
            ? throw context.Error(property, $"'{parameter.Name}' would be stored as {name}, but Gitea reserves the GITHUB_ and GITEA_ prefixes; rename the parameter.")
            : name;
    }

    private static (string Parameter, string Expression) ContextEntry(AttributeContext context, string entry)
    {
        var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && ContextExpression().IsMatch(parts[1])
            ? (parts[0], parts[1])
            : throw context.Error(nameof(GiteaActionsAttribute.ImportContext), $"'{entry}' must be Parameter=github.<property> (or gitea.<property>), e.g. GitHubRepository=github.repository.");
    }

    /// <summary>An artifact is named after the last folder of its path (plus the matrix value in a matrix job).</summary>
    private static string ArtifactName(string path) => path.TrimEnd('/').Split('/')[^1];

    /// <param name="property">The attribute property in messages, e.g. "jobs.base.PublishArtifacts".</param>
    private static List<string> Artifacts(AttributeContext context, string property, string[] paths)
    {
        var result = new List<string>();
        foreach (var path in NonBlank(context, property, paths))
        {
            var segments = path.TrimEnd('/').Split('/');
            if (Path.IsPathRooted(path) || segments.Contains("..") || path.Contains("${{", StringComparison.Ordinal))
                throw context.Error(property, $"'{path}' must be a plain path inside the repository, e.g. output/reports.");

            if (result.Any(r => ArtifactName(r) == segments[^1]))
                throw context.Error(property, $"two paths end in '{segments[^1]}'; artifacts are named after the last folder and must differ.");

            result.Add(path.TrimEnd('/'));
        }

        return result;
    }

    private static List<string> NonBlank(AttributeContext context, string property, string[] values) =>
        values.All(v => !string.IsNullOrWhiteSpace(v))
            ? [.. values.Select(v => v.Trim())]
            : throw context.Error(property, "holds an empty entry.");

    /// <summary>runtime_version: input ids and matrix keys, valid in expressions without quoting.</summary>
    private static string SnakeCase(ParameterDescriptor parameter) => parameter.EnvironmentName.ToLowerInvariant();

    /// <summary>A mapping of the entries whose value is not null, in this order.</summary>
    private static YamlMappingNode Map(params IEnumerable<(string Key, object? Value)> entries) =>
        new(entries.Where(e => e.Value is not null).Select(e => KeyValuePair.Create<YamlNode, YamlNode>(e.Key, Node(e.Value!))));

    /// <summary>Strings stay strings: quoted where a plain scalar would read as a bool, number or null; bools and numbers are
    /// written plain, lists as sequences.</summary>
    private static YamlNode Node(object value) => value switch
    {
        YamlNode node => node,
        string text when NotPlainString().IsMatch(text) => new YamlScalarNode(text) { Style = ScalarStyle.DoubleQuoted },
        string text => new YamlScalarNode(text),
        bool flag => new YamlScalarNode(flag ? "true" : "false") { Style = ScalarStyle.Plain },
        int number => new YamlScalarNode(number.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        _ => new YamlSequenceNode(((IEnumerable<object>)value).Select(Node)),
    };

    [GeneratedRegex("^(|~|null|y|n|yes|no|true|false|on|off|[-+]?[0-9][0-9_.:eE+-]*|0x[0-9a-fA-F]+|[-+]?\\.inf|\\.nan)$", RegexOptions.IgnoreCase)]
    private static partial Regex NotPlainString();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex JobId();

    [GeneratedRegex("^(github|gitea)(\\.[A-Za-z_][A-Za-z0-9_]*)+$")]
    private static partial Regex ContextExpression();

    /// <summary>Five fields of digits, names, '*', '/', ',' and '-', the standard cron that Gitea's scheduler reads.</summary>
    [GeneratedRegex(@"^[0-9A-Za-z*/,\-]+( [0-9A-Za-z*/,\-]+){4}$")]
    private static partial Regex Cron();

    private sealed record AttributeContext(string Workflow)
    {
        public InvalidUsageException Error(string property, string message) =>
            new($"[GiteaActions(\"{Workflow}\")] {property}: {message}");
    }
}
