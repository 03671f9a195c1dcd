namespace TemplateFleet.Restore;

/// <summary>One problem a static gate found, printed as `templates/codex/Dockerfile:42: what is wrong; what to do [rule]`.</summary>
/// <param name="Rule">Stable id of the rule that found it (one class of build/Restore/Rules each: cache-trap,
/// swallowed-failure, unpinned, agent-not-installed, entrypoint, from-base, syntax).</param>
public sealed record Finding(string File, int Line, string Rule, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message} [{Rule}]";
}
