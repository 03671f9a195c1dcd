using TemplateFleet.Dockerfiles.Rules;
using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles;

/// <summary>One problem a static gate found, printed as `templates/codex/Dockerfile:42: what is wrong; what to do [rule]`.</summary>
/// <param name="Rule">Stable id of the rule that found it (one entry of DockerfileGate.Rules each: syntax,
/// from-base, build-arg, fleet-literal, agent-install, runtime-install, cache-trap, layer-order,
/// swallowed-failure, unpinned, entrypoint).</param>
public sealed record Finding(string File, int Line, string Rule, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message} [{Rule}]";
}

/// <summary>The fleet facts <see cref="DockerfileGate"/> holds one Dockerfile to.</summary>
/// <param name="RuntimePackage">The runtime's Python package (fleet.yaml runtime.package); the layer installing it must use ARG RUNTIME_VERSION.</param>
/// <param name="Agent">The agent CLI a template must install (template.yaml agent); null for the base image.</param>
/// <param name="RepositoryRoot">Findings name files relative to it; null = as given.</param>
public sealed record DockerfileFacts(string RuntimePackage, AgentCli? Agent, string? RepositoryRoot = null)
{
    /// <summary>A template builds FROM the base by digest and installs an agent; the base does neither.</summary>
    public bool IsTemplate => Agent is not null;

    /// <summary>The build arguments the build passes to this Dockerfile.</summary>
    public IReadOnlyList<BuildArg> PassedArgs => IsTemplate ? BuildArgs.Template : BuildArgs.Base;

    /// <summary>The facts of a template's Dockerfile, or of the base's when <paramref name="template"/> is null.</summary>
    public static DockerfileFacts For(FleetConfig fleet, Template? template) =>
        new(fleet.Runtime.Package, template?.Agent, FleetLoader.RepositoryRoot(fleet));
}

/// <summary>
/// Static gate over a Dockerfile, run by Restore before anything is built. It makes the fleet's known
/// mistakes loud; each rule is one method of Rules/DockerfileRules.cs, named by its id in every finding.
/// </summary>
public static class DockerfileGate
{
    /// <summary>Every rule the gate runs: its stable Id (cache-trap, swallowed-failure, ...), named in every finding,
    /// and what it finds (line, message); every message says what to do.</summary>
    public static readonly IReadOnlyList<(string Id, Func<GatedDockerfile, IEnumerable<(int Line, string Message)>> Find)> Rules =
    [
        ("syntax", DockerfileRules.Syntax),
        ("from-base", DockerfileRules.FromBase),
        ("build-arg", DockerfileRules.BuildArg),
        ("fleet-literal", DockerfileRules.FleetLiteral),
        ("agent-install", DockerfileRules.AgentInstall),
        ("runtime-install", DockerfileRules.RuntimeInstall),
        ("cache-trap", DockerfileRules.CacheTrap),
        ("layer-order", DockerfileRules.LayerOrder),
        ("swallowed-failure", DockerfileRules.SwallowedFailure),
        ("unpinned", DockerfileRules.Unpinned),
        ("entrypoint", DockerfileRules.Entrypoint),
    ];

    public static IReadOnlyList<Finding> Check(string dockerfilePath, DockerfileFacts facts)
    {
        var display = facts.RepositoryRoot is null ? dockerfilePath : FleetLoader.Display(facts.RepositoryRoot, dockerfilePath);
        string text;
        try
        {
            text = File.ReadAllText(dockerfilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"{display}: cannot be read ({e.Message}); every template needs a Dockerfile");
        }
        return CheckText(text, display, facts, Path.GetDirectoryName(Path.GetFullPath(dockerfilePath)));
    }

    /// <summary>The base image and each template's Dockerfile, in that order.</summary>
    public static IReadOnlyList<Finding> CheckFleet(FleetConfig fleet, IEnumerable<Template> templates) =>
    [
        .. Check(Path.Combine(fleet.TemplatesDirectory, fleet.Base.Folder, FleetLoader.DockerfileName), DockerfileFacts.For(fleet, template: null)),
        .. templates.SelectMany(template => Check(template.Dockerfile, DockerfileFacts.For(fleet, template))),
    ];

    /// <summary>Fails Restore with every finding, one per line.</summary>
    public static void ThrowIfAny(IReadOnlyList<Finding> findings)
    {
        if (findings.Count > 0)
        {
            throw new FleetException(string.Join(Environment.NewLine, findings) + Environment.NewLine +
                $"Dockerfile gate: {findings.Count} finding{(findings.Count == 1 ? "" : "s")}; fix them before building.");
        }
    }

    /// <param name="contextDirectory">The build context, to look into requirement files a RUN installs with -r; null = do not look.</param>
    public static IReadOnlyList<Finding> CheckText(string text, string displayPath, DockerfileFacts facts, string? contextDirectory = null)
    {
        var dockerfile = GatedDockerfile.Read(text, displayPath, facts, contextDirectory);
        return Rules.SelectMany(rule => rule.Find(dockerfile).Select(f => new Finding(displayPath, f.Line, rule.Id, f.Message)))
            .OrderBy(f => f.Line).ToList();
    }
}
