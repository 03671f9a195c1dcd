namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>The final stage declares an ENTRYPOINT, or builds FROM an earlier stage that has one (it inherits
/// it), so every container starts through it.</summary>
public sealed class EntrypointRule() : DockerfileRule("entrypoint")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (dockerfile.Stages.Count > 0 && dockerfile.Stages[^1] is var final && !HasEntrypoint(dockerfile, dockerfile.Stages.Count - 1))
            yield return At(dockerfile, final.From.Line, "the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it");
    }

    private static bool HasEntrypoint(GatedDockerfile dockerfile, int index)
    {
        var stage = dockerfile.Stages[index];
        if (stage.Instructions.Any(i => i.Keyword == "ENTRYPOINT"))
            return true;
        var parent = dockerfile.Stages.Take(index).ToList().FindLastIndex(s => string.Equals(s.From.StageName, stage.From.Image, StringComparison.OrdinalIgnoreCase));
        return parent >= 0 && HasEntrypoint(dockerfile, parent);
    }
}
