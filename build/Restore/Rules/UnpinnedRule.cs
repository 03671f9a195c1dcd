using TemplateFleet.Dockerfiles;
using TemplateFleet.Fleet;
using TemplateFleet.Python;

namespace TemplateFleet.Restore.Rules;

/// <summary>Every package an `npm install -g` or `pip install` names is pinned to one exact version, literally
/// or through a build argument declared above the RUN, so two builds of one tree get the same software.</summary>
public sealed class UnpinnedRule() : DockerfileRule("unpinned")
{
    private static readonly string AgentVersion = BuildArgs.AgentVersion.Name;
    private static readonly string RuntimeVersion = BuildArgs.RuntimeVersion.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        foreach (var (stage, run) in dockerfile.Runs)
        {
            foreach (var spec in PackageInstalls.Specs(run.Commands))
            {
                var findings = spec.Installer == AgentInstaller.Npm ? CheckNpm(dockerfile, stage, run, spec) : CheckPip(dockerfile, stage, run, spec);
                foreach (var finding in findings)
                {
                    yield return finding;
                }
            }
        }
    }

    private IEnumerable<Finding> CheckNpm(GatedDockerfile dockerfile, DockerfileStage stage, RunStep run, PackageSpec spec)
    {
        var (name, text) = (spec.Name, spec.Word.Text);
        var version = spec.Specifier.Length > 0 ? spec.Specifier[1..] : "";
        var line = run.LineAt(spec.Word.Offset);
        var agent = dockerfile.Facts.Agent;
        var isAgent = agent is { Installer: AgentInstaller.Npm } && spec.Names(agent.Package);
        var fix = isAgent
            ? $"install {name}@${{{AgentVersion}}} with `ARG {AgentVersion}` declared (no default) above it"
            : $"pin one release, e.g. {name}@1.2.3";
        if (version.Length == 0)
        {
            yield return At(dockerfile, line, $"npm install -g {name} has no version, so every build may get a different CLI; {fix}");
        }
        else if (DockerfileVariables.NameOf(version) is { } variable)
        {
            foreach (var finding in CheckVariable(dockerfile, stage, run, line, $"{name}@{version}", variable, fix, v => Names.ExactSemver().IsMatch(v)))
            {
                yield return finding;
            }
        }
        else if (!Names.ExactSemver().IsMatch(version))
        {
            yield return At(dockerfile, line, $"npm install -g {text} is not pinned to one exact version; {fix}");
        }
        else if (isAgent && version != agent!.Version)
        {
            yield return At(dockerfile, line, $"npm install -g {text} differs from template.yaml agent.version {agent.Version}; install {name}@${{{AgentVersion}}} so template.yaml is the one place the version lives");
        }
    }

    private IEnumerable<Finding> CheckPip(GatedDockerfile dockerfile, DockerfileStage stage, RunStep run, PackageSpec spec)
    {
        var text = spec.Word.Text;
        var line = run.LineAt(spec.Word.Offset);
        if (spec.Name.Length == 0)
        {
            yield return At(dockerfile, line, $"pip install {text}: cannot tell which package and version this installs; write name==<exact version>");
            yield break;
        }
        var agent = dockerfile.Facts.Agent;
        var isAgent = agent is { Installer: AgentInstaller.Pip } && spec.Names(agent.Package);
        var fix = isAgent ? $"install \"{spec.Name}==${{{AgentVersion}}}\""
            : spec.Names(dockerfile.Facts.RuntimePackage) ? $"install \"{spec.Name}==${{{RuntimeVersion}}}\""
            : $"pin one release, e.g. {spec.Name}==1.2.3";
        if (!spec.Specifier.StartsWith("==", StringComparison.Ordinal) || spec.Specifier.StartsWith("===", StringComparison.Ordinal))
        {
            yield return At(dockerfile, line, $"pip install {text} is not pinned with == to one exact version; {fix}");
            yield break;
        }
        var version = spec.Specifier[2..].Trim();
        if (DockerfileVariables.NameOf(version) is { } variable)
        {
            foreach (var finding in CheckVariable(dockerfile, stage, run, line, text, variable, fix, v => Pep440Version.TryParse(v, out _)))
            {
                yield return finding;
            }
        }
        else if (!Pep440Version.TryParse(version, out _))
        {
            yield return At(dockerfile, line, $"pip install {text} is not pinned to one exact version; {fix}");
        }
        else if (isAgent && Pep440Version.Parse(version) != Pep440Version.Parse(agent!.Version))
        {
            yield return At(dockerfile, line, $"pip install {text} differs from template.yaml agent.version {agent.Version}; {fix}");
        }
    }

    /// <summary>A pin through a build argument: the ARG must be declared in this stage above the RUN; the agent's
    /// version must come from the build (no default), other defaults must themselves be exact.</summary>
    private IEnumerable<Finding> CheckVariable(GatedDockerfile dockerfile, DockerfileStage stage, RunStep run, int line, string spec, string variable, string fix, Func<string, bool> exact)
    {
        if (variable == RuntimeVersion)
        {
            yield break; // the cache-trap rule reports a missing or misplaced RUNTIME_VERSION, once
        }
        var arg = stage.ArgAbove(variable, run.Line);
        if (arg is null)
        {
            yield return At(dockerfile, line, $"{spec} uses ${{{variable}}} but `ARG {variable}` is not declared in this stage above this RUN, so it is empty; declare it");
        }
        else if (variable == AgentVersion && arg.Default is not null)
        {
            yield return At(dockerfile, arg.Line, $"ARG {AgentVersion} has a default ('{arg.Default}'); remove it so the build must pass template.yaml's agent.version");
        }
        else if (!string.IsNullOrEmpty(arg.Default) && !exact(arg.Default))
        {
            yield return At(dockerfile, arg.Line, $"ARG {variable} defaults to '{arg.Default}', which is not one exact version; {fix}");
        }
    }
}
