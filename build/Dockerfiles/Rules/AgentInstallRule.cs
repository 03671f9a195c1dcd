using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A template installs its agent CLI the one way that keeps template.yaml the only place the agent is
/// described: with the installer template.yaml names, as ${AGENT_PACKAGE} at ${AGENT_VERSION}, and runs
/// ${AGENT_COMMAND} in the same RUN so a broken install fails the build.</summary>
public sealed class AgentInstallRule() : DockerfileRule("agent-install")
{
    public static readonly string NpmSpec = $"${{{BuildArgs.AgentPackage}}}@${{{BuildArgs.AgentVersion}}}";
    public static readonly string PipSpec = $"${{{BuildArgs.AgentPackage}}}==${{{BuildArgs.AgentVersion}}}";

    /// <summary>Whether the spec installs this template's agent: by the build argument, or by its name written out.</summary>
    public static bool Installs(GatedDockerfile dockerfile, PackageSpec spec) =>
        dockerfile.Facts.Agent is { } agent && (DockerfileVariables.NameOf(spec.Name) == BuildArgs.AgentPackage.Name || spec.Names(agent.Package));

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (dockerfile.Facts.Agent is not { } agent || dockerfile.Stages.Count == 0)
        {
            yield break;
        }
        var wanted = agent.Installer == AgentInstaller.Npm ? NpmSpec : PipSpec;
        var how = agent.Installer == AgentInstaller.Npm ? $"npm install -g \"{wanted}\"" : $"pip install \"{wanted}\"";
        var installed = false;
        foreach (var (_, run) in dockerfile.Runs)
        {
            var specs = PackageInstalls.Specs(run.Commands).Where(s => Installs(dockerfile, s)).ToList();
            foreach (var spec in specs)
            {
                installed = true;
                var line = run.LineAt(spec.Word.Offset);
                if (spec.Installer != agent.Installer)
                {
                    yield return At(dockerfile, line,
                        $"this RUN installs the agent with {Installer(spec.Installer)}, but template.yaml agent.installer is {Installer(agent.Installer)}; install it with `{how}`");
                }
                // A pin, but not the build's (a range or tag is the unpinned rule's finding).
                else if (spec.Version is { } version && (DockerfileVariables.NameOf(version) is { } variable ? variable != BuildArgs.AgentVersion.Name : spec.IsExact(version)))
                {
                    yield return At(dockerfile, line,
                        $"'{spec.Word.Text}' does not take its version from ${{{BuildArgs.AgentVersion}}}; install \"{wanted}\" so template.yaml agent.version is the one place the version lives");
                }
            }
            if (specs.Count > 0 && !DockerfileVariables.Uses(run.Text, BuildArgs.AgentCommand.Name) && !FleetLiteralRule.NamesCommand(run, agent.Command))
            {
                yield return At(dockerfile, run.Line,
                    $"this RUN installs the agent CLI but never runs it; end it with `fleet-check-version \"${{{BuildArgs.AgentCommand}}}\" \"${{{BuildArgs.AgentVersion}}}\"` so a broken install fails the build, not the gates");
            }
        }
        if (!installed)
        {
            yield return At(dockerfile, dockerfile.Stages[^1].From.Line,
                $"the agent CLI {agent.Package} (template.yaml agent.package) is never installed; add `ARG {BuildArgs.AgentPackage}`, `ARG {BuildArgs.AgentVersion}`, `ARG {BuildArgs.AgentCommand}` and `RUN {how} && fleet-check-version \"${{{BuildArgs.AgentCommand}}}\" \"${{{BuildArgs.AgentVersion}}}\"`");
        }
    }

    private static string Installer(AgentInstaller installer) => installer == AgentInstaller.Npm ? "npm" : "pip";
}
