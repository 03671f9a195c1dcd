using System.Text.RegularExpressions;

namespace TemplateFleet.Gates;

/// <summary>
/// Expands ${AGENT_VERSION}, ${RUNTIME_VERSION} and ${ADAPTER} in a check's expected-output pattern with
/// regex-escaped values, so "1.0.0" matches the literal version and not "1x0y0".
/// </summary>
public static partial class CheckPatterns
{
    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();

    public static string Expand(string pattern, IReadOnlyDictionary<string, string?> values, string where) =>
        Placeholder().Replace(pattern, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v is null
                ? throw new Fleet.FleetException($"{where}: pattern uses ${{{m.Groups[1].Value}}} but this run has no value for it.")
                : Regex.Escape(v)
            : throw new Fleet.FleetException($"{where}: unknown placeholder ${{{m.Groups[1].Value}}}; use ${{AGENT_VERSION}}, ${{RUNTIME_VERSION}} or ${{ADAPTER}}."));

    public static IReadOnlyDictionary<string, string?> ValuesFor(Fleet.Template template, string? runtimeVersion) =>
        new Dictionary<string, string?>
        {
            ["AGENT_VERSION"] = template.Agent.Version,
            ["RUNTIME_VERSION"] = runtimeVersion,
            ["ADAPTER"] = template.Adapter,
        };

    /// <summary>null when <paramref name="text"/> matches; otherwise why not.</summary>
    public static string? Mismatch(string stream, string? expanded, string text)
    {
        if (expanded is null)
            return null;
        return Regex.IsMatch(text.TrimEnd('\n'), expanded, RegexOptions.Multiline, TimeSpan.FromSeconds(2))
            ? null
            : $"{stream} does not match /{expanded}/ (got: {Shorten(text)})";
    }

    static string Shorten(string s)
    {
        var t = s.Trim();
        return t.Length == 0 ? "nothing" : t.Length <= 200 ? t : t[..200] + "...";
    }
}
