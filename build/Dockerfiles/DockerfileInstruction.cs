namespace TemplateFleet.Dockerfiles;

/// <summary>One Dockerfile instruction after joining line continuations. <see cref="LineAt"/> maps an offset in
/// <see cref="Arguments"/> back to the physical line, so findings point at the exact line of a long RUN.</summary>
/// <param name="Line">1-based line of the instruction's first physical line.</param>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Line, IReadOnlyList<(int Offset, int Line)> Segments)
{
    public int LineAt(int offset) => Segments.Where(s => s.Offset <= offset).Select(s => s.Line).DefaultIfEmpty(Line).Last();

    public override string ToString() => $"{Line}: {Keyword} {Arguments}";
}
