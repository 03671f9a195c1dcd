using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>Layer order for the cache: from `ARG RUNTIME_VERSION` on, a stage adds no layer but the runtime's,
/// so a runtime bump rebuilds that one layer and reuses everything above it (the slow agent CLI install first).</summary>
public sealed class LayerOrderRule() : DockerfileRule("layer-order")
{
    private static readonly string Arg = BuildArgs.RuntimeVersion.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        foreach (var stage in dockerfile.Stages)
        {
            if (stage.Args.FirstOrDefault(a => a.Name == Arg) is not { } arg)
                continue;
            var runtimeLayers = stage.Runs.Where(r => RuntimeLayer.Of(dockerfile, r) is not null).Select(r => r.Instruction).ToHashSet();
            foreach (var instruction in stage.Instructions.Where(i => i.Line > arg.Line && i.Keyword is "RUN" or "COPY" or "ADD" && !runtimeLayers.Contains(i)))
            {
                yield return At(dockerfile, instruction.Line,
                    $"this {instruction.Keyword} comes after `ARG {Arg}` (line {arg.Line}), so every runtime bump rebuilds it; move it above that ARG so a bump rebuilds the runtime layer alone");
            }
        }
    }
}
