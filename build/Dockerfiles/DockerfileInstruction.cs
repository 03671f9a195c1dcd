namespace TemplateFleet.Dockerfiles;

/// <summary>One Dockerfile instruction after joining line continuations. <see cref="LineAt"/> maps an offset in
/// <see cref="Arguments"/> back to the physical line, so findings point at the exact line of a long RUN.</summary>
public sealed class DockerfileInstruction(string keyword, string arguments, int line, IReadOnlyList<(int Offset, int Line)> segments)
{
    public string Keyword { get; } = keyword;
    public string Arguments { get; } = arguments;
    /// <summary>1-based line of the instruction's first physical line.</summary>
    public int Line { get; } = line;

    public int LineAt(int offset)
    {
        var result = Line;
        foreach (var (start, physical) in segments)
        {
            if (start > offset)
                break;
            result = physical;
        }
        return result;
    }

    public override string ToString() => $"{Line}: {Keyword} {Arguments}";
}
