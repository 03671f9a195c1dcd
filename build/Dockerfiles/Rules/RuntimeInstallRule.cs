using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A template installs the workspace runtime (fleet.yaml runtime.package): without it the image has
/// nothing to start.</summary>
public sealed class RuntimeInstallRule() : DockerfileRule("runtime-install")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (dockerfile.Facts.IsTemplate && dockerfile.Stages.Count > 0 && !dockerfile.Runs.Any(r => RuntimeLayer.Of(dockerfile, r.Run) is not null))
            yield return At(dockerfile, dockerfile.Stages[^1].From.Line,
            $"the template never installs the runtime {dockerfile.Facts.RuntimePackage} (fleet.yaml runtime.package); end the final stage with `ARG {BuildArgs.RuntimePackage}`, `ARG {BuildArgs.RuntimeVersion}` and `RUN fleet-install-runtime \"${{{BuildArgs.RuntimePackage}}}\" \"${{{BuildArgs.RuntimeVersion}}}\"`");
    }
}
