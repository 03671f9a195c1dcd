namespace TemplateFleet.Dockerfiles;

/// <summary>A FROM instruction read once: the image it names (flags such as --platform skipped) and the stage
/// name after AS. Stage names compare case-insensitively, as the builder compares them.</summary>
public sealed record FromInstruction(DockerfileInstruction Instruction, string Image, string? StageName)
{
    public static FromInstruction Parse(DockerfileInstruction from)
    {
        var words = from.Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        var stage = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
        return new FromInstruction(from, words.FirstOrDefault() ?? "", stage);
    }

    /// <summary>"X" when the image is exactly $X or ${X} (a build argument), else null.</summary>
    public string? ImageArgument => DockerfileVariables.NameOf(Image);

    public int Line => Instruction.Line;
}
