using System.Text.RegularExpressions;

namespace TemplateFleet.Dockerfiles;

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
