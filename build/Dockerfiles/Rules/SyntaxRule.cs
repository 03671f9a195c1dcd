namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>What the classic builder would refuse or misread: parser problems (heredocs, a bad escape
/// directive), instructions before the first FROM, no FROM at all.</summary>
public sealed class SyntaxRule() : DockerfileRule("syntax")
{
    public override IEnumerable<Finding> Check(GatedDockerfile dockerfile)
    {
        foreach (var (line, message) in dockerfile.Parsed.Problems)
            yield return At(dockerfile, line, message);
        foreach (var instruction in dockerfile.BeforeFirstFrom)
            yield return At(dockerfile, instruction.Line, $"{instruction.Keyword} before the first FROM; only ARG may come before FROM");
        if (dockerfile.Stages.Count == 0)
            yield return At(dockerfile, 1, "no FROM instruction; a Dockerfile starts FROM an image");
    }
}
