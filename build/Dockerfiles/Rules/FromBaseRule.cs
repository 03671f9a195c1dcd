using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A template builds FROM the fleet base only, as `FROM ${BASE_IMAGE}` with `ARG BASE_IMAGE` declared
/// before the first FROM: the build passes the base by digest (build-arg sees that the ARG has no default).
/// Later stages may build FROM earlier ones.</summary>
public sealed class FromBaseRule() : DockerfileRule("from-base")
{
    private static readonly string Arg = BuildArgs.BaseImage.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile) =>
        from stage in dockerfile.Facts.IsTemplate ? dockerfile.Stages : []
        let fromLine = stage.From
        let fromEarlierStage = dockerfile.Stages.TakeWhile(s => s != stage).Any(s => string.Equals(s.From.StageName, fromLine.Image, StringComparison.OrdinalIgnoreCase))
        where !fromEarlierStage && (fromLine.ImageArgument != Arg || !dockerfile.GlobalArgs.Any(a => a.Name == Arg))
        select At(dockerfile, fromLine.Line,
            $"FROM {fromLine.Image} does not build from the fleet base; declare `ARG {Arg}` before the first FROM and use `FROM ${{{Arg}}}` (the build passes the base by digest)");
}
