using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A template installs its agent CLI from its committed lock and no other way: `COPY agent/ /opt/fleet-agent/`
/// (package.json + package-lock.json, or a hash-pinned requirements.txt) and `RUN fleet-install-agent "${AGENT_PACKAGE}"
/// "${AGENT_VERSION}" "${AGENT_COMMAND}"`, which installs exactly that tree (npm ci, pip --require-hashes), checks the
/// lock holds template.yaml's version and runs the CLI. An `npm install -g` or `pip install` of the agent resolves the
/// tree below it afresh on every build, so two builds of one pin could ship different code: refused.</summary>
public sealed class AgentInstallRule() : DockerfileRule("agent-install")
{

    /// <summary>The base's script that installs an agent from its lock.</summary>
    public const string Script = "fleet-install-agent";

    /// <summary>Where a template copies its lock (the script reads it there).</summary>
    public const string LockFolder = "/opt/fleet-agent/";

    public static readonly string Call = $"{Script} \"${{{BuildArgs.AgentPackage}}}\" \"${{{BuildArgs.AgentVersion}}}\" \"${{{BuildArgs.AgentCommand}}}\"";
    public static readonly string CopyLock = $"COPY agent/ {LockFolder}";
    static readonly string How = $"`ARG {BuildArgs.AgentPackage}`, `ARG {BuildArgs.AgentVersion}`, `ARG {BuildArgs.AgentCommand}`, `{CopyLock}` and `RUN {Call}`";

    /// <summary>Whether the spec installs this template's agent: by the build argument, or by its name written out.</summary>
    public static bool Installs(GatedDockerfile dockerfile, PackageSpec spec) =>
        dockerfile.Facts.Agent is { } agent && (DockerfileVariables.NameOf(spec.Name) == BuildArgs.AgentPackage.Name || spec.Names(agent.Package));

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (dockerfile.Facts.Agent is not { } agent || dockerfile.Stages.Count == 0)
        {
            yield break;
        }
        var installed = false;
        foreach (var stage in dockerfile.Stages)
        {
            foreach (var run in stage.Runs)
            {
                foreach (var spec in PackageInstalls.Specs(run.Commands).Where(s => Installs(dockerfile, s)))
                {
                    var with = spec.Installer == AgentInstaller.Npm ? "npm install -g" : "pip install";
                    yield return At(dockerfile, run.LineAt(spec.Word.Offset),
                        $"this RUN installs the agent with `{with}`, not from its lock, so the packages below it resolve afresh on every build; install it with {How} (templates/{TemplateName(dockerfile)}/agent/ holds the lock: ./build.sh Lock writes it)");
                }
                foreach (var call in run.Commands.Where(c => c.Name == Script))
                {
                    installed = true;
                    var arguments = call.Program.Skip(1).Select(w => DockerfileVariables.NameOf(w.Text)).ToList();
                    if (!arguments.SequenceEqual([BuildArgs.AgentPackage.Name, BuildArgs.AgentVersion.Name, BuildArgs.AgentCommand.Name]))
                    {
                        yield return At(dockerfile, run.LineAt(call.Start),
                            $"`{string.Join(' ', call.Program.Select(w => w.Text))}` must take exactly the agent's build arguments: `{Call}`, so template.yaml agent is the one place the agent is described");
                    }
                    if (!stage.Instructions.Any(i => i.Keyword == "COPY" && i.Line < run.Line && CopiesLock(i)))
                    {
                        yield return At(dockerfile, run.Line,
                            $"{Script} installs from the lock in {LockFolder}, but no `{CopyLock}` above it in this stage puts the lock there");
                    }
                }
            }
        }
        if (!installed)
        {
            yield return At(dockerfile, dockerfile.Stages[^1].From.Line,
                $"the agent CLI {agent.Package} (template.yaml agent.package) is never installed from its lock; add {How}");
        }
    }

    /// <summary>A COPY of the template's agent/ folder (or its lock files) into <see cref="LockFolder"/>.</summary>
    static bool CopiesLock(DockerfileInstruction copy)
    {
        var words = copy.Arguments.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        return words.Count >= 2
            && words[^1].TrimEnd('/') + "/" == LockFolder
            && words[..^1].All(w => w.TrimEnd('/') == "agent" || w.StartsWith("agent/", StringComparison.Ordinal));
    }

    static string TemplateName(GatedDockerfile dockerfile) =>
        Path.GetFileName(Path.GetDirectoryName(dockerfile.File.Replace('\\', '/'))) is { Length: > 0 } name ? name : "<template>";
}
