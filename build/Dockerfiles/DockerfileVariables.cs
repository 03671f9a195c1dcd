using System.Text.RegularExpressions;

namespace TemplateFleet.Dockerfiles;

/// <summary>Build-argument references in Dockerfile words.</summary>
public static partial class DockerfileVariables
{
    [GeneratedRegex(@"\A\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))\z")]
    private static partial Regex VariableOnly();

    /// <summary>"X" for a word that is exactly $X or ${X}; else null.</summary>
    public static string? NameOf(string text) =>
        VariableOnly().Match(text) is { Success: true } m ? (m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value) : null;
}
