using TemplateFleet.Dockerfiles.Rules;
using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles;

/// <summary>
/// Static gate over a Dockerfile, run by Restore before anything is built. It makes the fleet's known
/// mistakes loud; each rule is one method of Rules/DockerfileRules.cs, named by its id in every finding.
/// </summary>
public static class DockerfileGate
{
    /// <summary>Every rule the gate runs.</summary>
    public static readonly IReadOnlyList<DockerfileRule> Rules =
    [
        new("syntax", DockerfileRules.Syntax),
        new("from-base", DockerfileRules.FromBase),
        new("build-arg", DockerfileRules.BuildArg),
        new("fleet-literal", DockerfileRules.FleetLiteral),
        new("agent-install", DockerfileRules.AgentInstall),
        new("runtime-install", DockerfileRules.RuntimeInstall),
        new("cache-trap", DockerfileRules.CacheTrap),
        new("layer-order", DockerfileRules.LayerOrder),
        new("swallowed-failure", DockerfileRules.SwallowedFailure),
        new("unpinned", DockerfileRules.Unpinned),
        new("entrypoint", DockerfileRules.Entrypoint),
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
        return Rules.SelectMany(rule => rule.Check(dockerfile)).OrderBy(f => f.Line).ToList();
    }
}
