using System.Text.RegularExpressions;

namespace TemplateFleet.Host;

/// <summary>
/// Turns the build class's [GiteaActions] attributes into <see cref="Workflow"/>s. Every target and parameter
/// name must exist; a mistake is a usage error naming the workflow, the property, the name and the valid ones.
/// </summary>
internal sealed partial class WorkflowResolver
{
    private readonly NukeBuild _build;
    private readonly IReadOnlyList<ExecutableTarget> _targets;
    private readonly IReadOnlyList<ParameterDescriptor> _parameters;
    private readonly string _buildName;

    private WorkflowResolver(NukeBuild build, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        _build = build;
        _targets = targets;
        _parameters = parameters;
        _buildName = build.GetType().Name;
    }

    public static IReadOnlyList<Workflow> Resolve(NukeBuild build, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        var resolver = new WorkflowResolver(build, targets, parameters);
        var attributes = build.GetType().GetCustomAttributes(typeof(GiteaActionsAttribute), inherit: true).Cast<GiteaActionsAttribute>();
        var workflows = new List<Workflow>();
        foreach (var attribute in attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var workflow = resolver.Resolve(attribute);
            if (workflows.Any(w => string.Equals(w.Name, workflow.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidUsageException($"[GiteaActions(\"{attribute.Name}\")] is declared twice on {resolver._buildName}; workflow names must be unique.");
            }

            workflows.Add(workflow);
        }

        return workflows;
    }

    private Workflow Resolve(GiteaActionsAttribute attribute)
    {
        var context = new AttributeContext(attribute.Name);
        if (!JobId().IsMatch(attribute.Name))
        {
            throw context.Error("name", $"'{attribute.Name}' must start with a letter or '_' and hold only letters, digits, '-' and '_' (it is the file name and the job id).");
        }

        var runsOn = NonBlank(context, nameof(attribute.RunsOn), attribute.RunsOn);
        if (runsOn.Count == 0)
        {
            throw context.Error(nameof(attribute.RunsOn), "is empty: name the runner label(s) the job needs.");
        }

        var targets = attribute.InvokedTargets.Select(t => Target(context, t)).ToList();
        if (targets.Count == 0)
        {
            throw context.Error(nameof(attribute.InvokedTargets), "is empty: name the targets the job runs.");
        }

        var environment = new List<WorkflowEnvironment>();
        var passed = new Dictionary<string, string>(StringComparer.Ordinal);
        void Pass(string property, ParameterDescriptor parameter, string expression)
        {
            if (!passed.TryAdd(parameter.Name, property))
            {
                throw context.Error(property, $"'{parameter.Name}' is already passed by {passed[parameter.Name]}; a parameter gets one source.");
            }

            environment.Add(new WorkflowEnvironment(parameter.EnvironmentName, $"${{{{ {expression} }}}}"));
        }

        var matrix = Matrix(context, attribute.MatrixParameter);
        if (matrix is not null)
        {
            Pass(nameof(attribute.MatrixParameter), matrix.Value.Parameter, $"matrix.{matrix.Value.Matrix.Key}");
        }

        var inputs = new List<WorkflowInput>();
        foreach (var (property, names, required) in new[]
        {
            (nameof(attribute.OnWorkflowDispatchRequiredInputs), attribute.OnWorkflowDispatchRequiredInputs, true),
            (nameof(attribute.OnWorkflowDispatchOptionalInputs), attribute.OnWorkflowDispatchOptionalInputs, false),
        })
        {
            foreach (var name in names)
            {
                var parameter = Parameter(context, property, name, secret: false);
                var id = SnakeCase(parameter);
                inputs.Add(new WorkflowInput(id, parameter.Description.Length > 0 ? parameter.Description : parameter.Name, required));
                Pass(property, parameter, $"github.event.inputs.{id}");
            }
        }

        foreach (var entry in attribute.ImportContext)
        {
            var (name, expression) = ContextEntry(context, entry);
            Pass(nameof(attribute.ImportContext), Parameter(context, nameof(attribute.ImportContext), name, secret: false), expression);
        }

        foreach (var name in attribute.ImportVariables)
        {
            var parameter = Parameter(context, nameof(attribute.ImportVariables), name, secret: false);
            Pass(nameof(attribute.ImportVariables), parameter, $"vars.{StoredName(context, nameof(attribute.ImportVariables), parameter)}");
        }

        foreach (var name in attribute.ImportSecrets)
        {
            var parameter = Parameter(context, nameof(attribute.ImportSecrets), name, secret: true);
            Pass(nameof(attribute.ImportSecrets), parameter, $"secrets.{StoredName(context, nameof(attribute.ImportSecrets), parameter)}");
        }

        return new Workflow(
            attribute.Name,
            runsOn,
            Triggers(context, attribute, inputs.Count > 0),
            inputs,
            matrix?.Matrix,
            attribute.FetchDepth,
            targets,
            environment,
            Artifacts(context, attribute.PublishArtifacts));
    }

    private static List<WorkflowTrigger> Triggers(AttributeContext context, GiteaActionsAttribute attribute, bool hasInputs)
    {
        var pushBranches = NonBlank(context, nameof(attribute.OnPushBranches), attribute.OnPushBranches);
        var pullRequestBranches = NonBlank(context, nameof(attribute.OnPullRequestBranches), attribute.OnPullRequestBranches);
        var triggers = new List<WorkflowTrigger>();
        if (attribute.On.Contains(GiteaActionsTrigger.Push) || pushBranches.Count > 0)
        {
            triggers.Add(new WorkflowTrigger("push", pushBranches));
        }

        if (attribute.On.Contains(GiteaActionsTrigger.PullRequest) || pullRequestBranches.Count > 0)
        {
            triggers.Add(new WorkflowTrigger("pull_request", pullRequestBranches));
        }

        if (attribute.On.Contains(GiteaActionsTrigger.WorkflowDispatch) || hasInputs)
        {
            triggers.Add(new WorkflowTrigger("workflow_dispatch", []));
        }

        if (attribute.OnCronSchedule is { } cron)
        {
            if (!Cron().IsMatch(cron.Trim()))
            {
                throw context.Error(nameof(attribute.OnCronSchedule), $"'{cron}' is not a five-field cron expression (minute hour day-of-month month day-of-week, e.g. \"17 * * * *\").");
            }

            triggers.Add(new WorkflowTrigger("schedule", [], cron.Trim()));
        }

        return triggers.Count > 0
            ? triggers
            : throw context.Error(nameof(attribute.On), "has no trigger: set On, OnPushBranches, OnPullRequestBranches, OnCronSchedule or workflow_dispatch inputs.");
    }

    private (WorkflowMatrix Matrix, ParameterDescriptor Parameter)? Matrix(AttributeContext context, string? name)
    {
        if (name is null)
        {
            return null;
        }

        const string property = nameof(GiteaActionsAttribute.MatrixParameter);
        var parameter = Parameter(context, property, name, secret: false);
        if (parameter.ValueType != typeof(string[]))
        {
            throw context.Error(property, $"'{name}' is a {parameter.TypeName} parameter; the matrix fans out over a string[] parameter.");
        }

        var values = (_build.WorkflowMatrix(parameter.Name) ?? []).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return values.Count > 0
            ? (new WorkflowMatrix(SnakeCase(parameter), values), parameter)
            : throw context.Error(property, $"'{name}' has no values: override WorkflowMatrix(\"{name}\") in {_buildName} to return them.");
    }

    private string Target(AttributeContext context, string name)
    {
        if (_targets.Any(t => t.Name == name))
        {
            return name;
        }

        var valid = _targets.Where(t => t.Listed).Select(t => t.Name).ToList();
        throw context.Error(nameof(GiteaActionsAttribute.InvokedTargets), $"'{name}' is not a target of {_buildName}.{Hint(name, valid)} Targets: {string.Join(", ", valid)}.");
    }

    private ParameterDescriptor Parameter(AttributeContext context, string property, string name, bool secret)
    {
        var parameter = _parameters.FirstOrDefault(p => p.Name == name);
        if (parameter is null)
        {
            var valid = _parameters.Where(p => p.IsSecret == secret).Select(p => p.Name).ToList();
            var kind = secret ? "[Secret] parameter" : "parameter";
            throw context.Error(property, $"'{name}' is not a {kind} of {_buildName}.{Hint(name, valid)} {char.ToUpperInvariant(kind[0])}{kind[1..]}s: {string.Join(", ", valid.DefaultIfEmpty("(none)"))}.");
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

    private static List<string> Artifacts(AttributeContext context, string[] paths)
    {
        var result = new List<string>();
        foreach (var path in NonBlank(context, nameof(GiteaActionsAttribute.PublishArtifacts), paths))
        {
            var segments = path.TrimEnd('/').Split('/');
            if (Path.IsPathRooted(path) || segments.Contains("..") || path.Contains("${{", StringComparison.Ordinal))
            {
                throw context.Error(nameof(GiteaActionsAttribute.PublishArtifacts), $"'{path}' must be a plain path inside the repository, e.g. output/reports.");
            }

            if (result.Any(r => Workflow.ArtifactName(r) == segments[^1]))
            {
                throw context.Error(nameof(GiteaActionsAttribute.PublishArtifacts), $"two paths end in '{segments[^1]}'; artifacts are named after the last folder and must differ.");
            }

            result.Add(path.TrimEnd('/'));
        }

        return result;
    }

    private static List<string> NonBlank(AttributeContext context, string property, string[] values) =>
        values.All(v => !string.IsNullOrWhiteSpace(v))
            ? [.. values.Select(v => v.Trim())]
            : throw context.Error(property, "holds an empty entry.");

    private static string Hint(string name, IEnumerable<string> valid) =>
        Similarity.Closest(name, valid) is { } closest ? $" Did you mean '{closest}'?" : "";

    /// <summary>runtime_version: input ids and matrix keys, valid in expressions without quoting.</summary>
    private static string SnakeCase(ParameterDescriptor parameter) => parameter.EnvironmentName.ToLowerInvariant();

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
