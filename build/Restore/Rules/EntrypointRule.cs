namespace TemplateFleet.Restore.Rules;

/// <summary>The final stage declares an ENTRYPOINT, so every container starts through it.</summary>
public sealed class EntrypointRule() : DockerfileRule("entrypoint")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        if (dockerfile.Stages.Count > 0 && dockerfile.Stages[^1] is var final && !final.Instructions.Any(i => i.Keyword == "ENTRYPOINT"))
        {
            yield return At(dockerfile, final.From.Line, "the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it");
        }
    }
}
