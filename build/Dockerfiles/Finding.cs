namespace TemplateFleet.Dockerfiles;

/// <summary>One problem a static gate found, printed as `templates/codex/Dockerfile:42: what is wrong; what to do [rule]`.</summary>
/// <param name="Rule">Stable id of the rule that found it (one entry of DockerfileGate.Rules each: syntax,
/// from-base, build-arg, fleet-literal, agent-install, runtime-install, cache-trap, layer-order,
/// swallowed-failure, unpinned, entrypoint).</param>
public sealed record Finding(string File, int Line, string Rule, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message} [{Rule}]";
}
