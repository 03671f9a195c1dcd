using TemplateFleet.Fleet;

namespace TemplateFleet.Restore.Rules;

/// <summary>A template installs its agent CLI (template.yaml agent.package) with the installer template.yaml names.</summary>
public sealed class AgentInstalledRule() : DockerfileRule("agent-not-installed")
{
    private static readonly string AgentVersion = BuildArgs.AgentVersion.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (dockerfile.Facts.Agent is not { } agent || dockerfile.Stages.Count == 0)
        {
            yield break;
        }
        var installed = dockerfile.Runs.SelectMany(r => PackageInstalls.Specs(r.Run.Commands))
            .Any(spec => spec.Installer == agent.Installer && spec.Names(agent.Package));
        if (!installed)
        {
            var how = agent.Installer == AgentInstaller.Npm
                ? $"RUN npm install -g {agent.Package}@${{{AgentVersion}}}"
                : $"RUN pip install \"{agent.Package}==${{{AgentVersion}}}\"";
            yield return At(dockerfile, dockerfile.Stages[^1].From.Line,
                $"the agent CLI {agent.Package} (template.yaml agent.package) is never installed; add `ARG {AgentVersion}` and `{how}`");
        }
    }
}
