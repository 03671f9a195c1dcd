namespace TemplateFleet.Restore.Rules;

/// <summary>A template builds FROM the fleet base only, by the digest the build passes in a build argument
/// declared before the first FROM, without a default. Later stages may build FROM earlier ones.</summary>
public sealed class FromBaseRule() : DockerfileRule("from-base")
{
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
            {
                stageNames.Add(name);
            }
            if (fromEarlierStage)
            {
                continue;
            }
            var argument = from.ImageArgument;
            var arg = argument is null ? null : dockerfile.GlobalArgs.LastOrDefault(a => a.Name == argument);
            if (arg is null)
            {
                yield return At(dockerfile, from.Line,
                    $"FROM {from.Image} does not build from the fleet base; declare `ARG BASE_IMAGE` before the first FROM and use `FROM ${{BASE_IMAGE}}` (the build passes the base by digest)");
            }
            else if (!string.IsNullOrEmpty(arg.Default))
            {
                yield return At(dockerfile, arg.Line,
                    $"ARG {arg.Name} has a default ('{arg.Default}'); remove it so the image can only be built FROM the base the build passes by digest");
            }
        }
    }
}
