using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>A template builds FROM the fleet base only, as `FROM ${BASE_IMAGE}` with `ARG BASE_IMAGE` declared
/// before the first FROM: the build passes the base by digest (build-arg sees that the ARG has no default).
/// Later stages may build FROM earlier ones.</summary>
public sealed class FromBaseRule() : DockerfileRule("from-base")
{
    private static readonly string Arg = BuildArgs.BaseImage.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (!dockerfile.Facts.IsTemplate)
        {
            yield break;
        }
        var stageNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in dockerfile.Stages)
        {
            var from = stage.From;
            var fromEarlierStage = stageNames.Contains(from.Image);
            if (from.StageName is { } name)
                stageNames.Add(name);
            if (!fromEarlierStage && (from.ImageArgument != Arg || !dockerfile.GlobalArgs.Any(a => a.Name == Arg)))
            {
                yield return At(dockerfile, from.Line,
                    $"FROM {from.Image} does not build from the fleet base; declare `ARG {Arg}` before the first FROM and use `FROM ${{{Arg}}}` (the build passes the base by digest)");
            }
        }
    }
}
