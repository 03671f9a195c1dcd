using System.Text;
using System.Text.RegularExpressions;

namespace TemplateFleet.Dockerfiles;

/// <summary>The Dockerfile as instructions, plus what the parser refused (line, message).</summary>
public sealed record ParsedDockerfile(IReadOnlyList<DockerfileInstruction> Instructions, IReadOnlyList<(int Line, string Message)> Problems)
{
    /// <summary>The FROM instructions, in order.</summary>
    public IReadOnlyList<FromInstruction> Froms =>
        Instructions.Where(i => i.Keyword == "FROM").Select(FromInstruction.Parse).ToList();
}

/// <summary>
/// Reads a Dockerfile the way the classic builder does: parser directives (escape), comments, blank lines,
/// line continuations (comment and blank lines inside them are dropped). Heredocs are refused: the classic
/// builder the fleet uses does not support them.
/// </summary>
public static partial class DockerfileParser
{
    [GeneratedRegex(@"\A#\s*([A-Za-z]+)\s*=\s*(\S+)\s*\z")]
    private static partial Regex Directive();

    [GeneratedRegex(@"<<-?\s*[""']?[A-Za-z_][A-Za-z0-9_]*[""']?")]
    private static partial Regex Heredoc();

    // The keyword ends at the first space or tab; the arguments start after the whitespace that follows it.
    [GeneratedRegex(@"\A\s*(?<keyword>[^ \t]*)\s*")]
    private static partial Regex Keyword();

    public static ParsedDockerfile Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var instructions = new List<DockerfileInstruction>();
        var problems = new List<(int, string)>();
        var escape = '\\';
        var index = 0;

        // Parser directives: only at the very top, before any comment, blank line or instruction.
        for (; index < lines.Length; index++)
        {
            var m = Directive().Match(lines[index].Trim());
            if (!m.Success)
                break;
            if (m.Groups[1].Value.Equals("escape", StringComparison.OrdinalIgnoreCase))
            {
                if (m.Groups[2].Value is not ("\\" or "`"))
                    problems.Add((index + 1, $"escape directive '{m.Groups[2].Value}' is not valid; use \\ or `"));
                escape = m.Groups[2].Value[0];
            }
        }

        var buffer = new StringBuilder();
        var segments = new List<(int Offset, int Line)>();
        var startLine = 0;
        for (; index < lines.Length; index++)
        {
            var raw = lines[index];
            var trimmed = raw.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                continue;
            if (segments.Count == 0)
                startLine = index + 1;
            var content = raw.TrimEnd();
            var continues = content.EndsWith(escape);
            segments.Add((buffer.Length, index + 1));
            buffer.Append(continues ? content[..^1] : content);
            if (!continues)
                Flush();
        }
        Flush();
        return new ParsedDockerfile(instructions, problems);

        void Flush()
        {
            if (segments.Count == 0)
                return;
            var joined = buffer.ToString();
            var head = Keyword().Match(joined);
            var keyword = head.Groups["keyword"].Value.ToUpperInvariant();
            var arguments = joined[head.Length..].TrimEnd();
            var shifted = segments.Select(s => (s.Offset - head.Length, s.Line)).ToList();
            var instruction = new DockerfileInstruction(keyword, arguments, startLine, shifted);
            instructions.Add(instruction);
            if (keyword is "RUN" or "COPY" or "ADD" && Heredoc().Match(arguments) is { Success: true } heredoc)
            {
                problems.Add((instruction.LineAt(heredoc.Index),
                    $"heredoc '{heredoc.Value}' is not supported (the classic builder runs it as one line); write the steps as one RUN joined with && and line continuations"));
            }
            buffer.Clear();
            segments.Clear();
        }
    }
}

/// <summary>One Dockerfile instruction after joining line continuations. <see cref="LineAt"/> maps an offset in
/// <see cref="Arguments"/> back to the physical line, so findings point at the exact line of a long RUN.</summary>
/// <param name="Line">1-based line of the instruction's first physical line.</param>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Line, IReadOnlyList<(int Offset, int Line)> Segments)
{
    public int LineAt(int offset) => Segments.Where(s => s.Offset <= offset).Select(s => s.Line).DefaultIfEmpty(Line).Last();

    public override string ToString() => $"{Line}: {Keyword} {Arguments}";
}

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

/// <summary>Build-argument references in Dockerfile words.</summary>
public static partial class DockerfileVariables
{
    [GeneratedRegex(@"\A\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))\z")]
    private static partial Regex VariableOnly();

    [GeneratedRegex(@"\$(?:\{(?<name>[A-Za-z_][A-Za-z0-9_]*)|(?<name>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Reference();

    /// <summary>Every variable <paramref name="text"/> expands ($NAME, ${NAME}, ${NAME:...}), with the offset of its `$`.</summary>
    public static IEnumerable<(string Name, int Offset)> References(string text) =>
        Reference().Matches(text).Select(m => (m.Groups["name"].Value, m.Index));

    /// <summary>Whether <paramref name="text"/> expands the variable: $NAME, ${NAME} or ${NAME:...}.</summary>
    public static bool Uses(string text, string name) => References(text).Any(r => r.Name == name);

    /// <summary>"X" for a word that is exactly $X or ${X}; else null.</summary>
    public static string? NameOf(string text) =>
        VariableOnly().Match(text) is { Success: true } m ? (m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value) : null;
}
