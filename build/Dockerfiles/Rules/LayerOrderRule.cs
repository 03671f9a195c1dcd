using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>Layer order for the cache: from `ARG RUNTIME_VERSION` on, a stage adds no layer but the runtime's,
/// so a runtime bump rebuilds that one layer and reuses everything above it (the slow agent CLI install first).</summary>
public sealed class LayerOrderRule() : DockerfileRule("layer-order")
{
    private static readonly string Arg = BuildArgs.RuntimeVersion.Name;

    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile) =>
        from stage in dockerfile.Stages
        from arg in stage.Args.Where(a => a.Name == Arg).Take(1)
        let runtimeLayers = stage.Runs.Where(r => RuntimeLayer.Of(dockerfile, r) is not null).Select(r => r.Instruction).ToHashSet()
        from instruction in stage.Instructions
        where instruction.Line > arg.Line && instruction.Keyword is "RUN" or "COPY" or "ADD" && !runtimeLayers.Contains(instruction)
        select At(dockerfile, instruction.Line,
            $"this {instruction.Keyword} comes after `ARG {Arg}` (line {arg.Line}), so every runtime bump rebuilds it; move it above that ARG so a bump rebuilds the runtime layer alone");
}
