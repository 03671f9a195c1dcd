using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>Every package an `npm install -g` or `pip install` names is pinned to one exact version, literally
/// or through a build argument, so two builds of one tree get the same software. The agent installs from its lock,
/// never this way (the agent-install rule's finding); which version the runtime takes is the cache-trap rule's
/// business; where an ARG is declared, build-arg's.</summary>
public sealed class UnpinnedRule() : DockerfileRule("unpinned")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile) =>
        dockerfile.Runs.SelectMany(r => PackageInstalls.Specs(r.Run.Commands)
            .Where(spec => !AgentInstallRule.Installs(dockerfile, spec))
            .Select(spec => Check(dockerfile, r.Stage, r.Run, spec))).OfType<Finding>();

    private Finding? Check(GatedDockerfile dockerfile, DockerfileStage stage, RunStep run, PackageSpec spec)
    {
        var (text, line, npm) = (spec.Word.Text, run.LineAt(spec.Word.Offset), spec.Installer == AgentInstaller.Npm);
        if (spec.Name.Length == 0)
            return At(dockerfile, line, $"pip install {text}: cannot tell which package and version this installs; write name==<exact version>");
        var fix = Fix(dockerfile, spec);
        if (spec.Version is not { } version)
        {
            return At(dockerfile, line, npm
                ? $"npm install -g {spec.Name} has no version, so every build may get a different CLI; {fix}"
                : $"pip install {text} is not pinned with == to one exact version; {fix}");
        }
        var installer = npm ? "npm install -g" : "pip install";
        if (DockerfileVariables.NameOf(version) is not { } variable)
            return spec.IsExact(version) ? null : At(dockerfile, line, $"{installer} {text} is not pinned to one exact version; {fix}");
        // A pin through a build argument: a default it falls back to must itself be exact. Arguments the build
        // passes must have none, and a missing declaration leaves it empty: both are build-arg's findings.
        var arg = stage.ArgAbove(variable, run.Line);
        if (dockerfile.Facts.PassedArgs.Any(a => a.Name == variable) || (arg is null ? dockerfile.DeclaresArg(variable) : string.IsNullOrEmpty(arg.Default) || spec.IsExact(arg.Default)))
            return null;
        return arg is null
            ? At(dockerfile, line, $"{installer} {text} uses ${{{variable}}} but no `ARG {variable}` is declared, so it is empty; declare it with one exact version as its default, or {fix}")
            : At(dockerfile, arg.Line, $"ARG {variable} defaults to '{arg.Default}', which is not one exact version; {fix}");
    }

    /// <summary>The runtime takes its version from the build; anything else pins a release.</summary>
    private static string Fix(GatedDockerfile dockerfile, PackageSpec spec)
    {
        if (spec.Installer == AgentInstaller.Pip && (spec.Names(dockerfile.Facts.RuntimePackage) || DockerfileVariables.NameOf(spec.Name) == BuildArgs.RuntimePackage.Name))
            return $"install \"${{{BuildArgs.RuntimePackage}}}==${{{BuildArgs.RuntimeVersion}}}\"";
        return spec.Installer == AgentInstaller.Npm ? $"pin one release, e.g. {spec.Name}@1.2.3" : $"pin one release, e.g. {spec.Name}==1.2.3";
    }
}
