using System.Text.RegularExpressions;

namespace TemplateFleet.Registry;

/// <summary>A parsed WWW-Authenticate challenge: Basic realm="..." or Bearer realm="...",service="...",scope="...".</summary>
public sealed partial record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            return null;
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space >= 0)
        {
            foreach (Match m in Parameter().Matches(text[(space + 1)..]))
                parameters[m.Groups["name"].Value] = m.Groups["quoted"].Success ? m.Groups["quoted"].Value.Replace("\\\"", "\"") : m.Groups["token"].Value;
        }
        return new AuthChallenge(scheme, parameters);
    }

    [GeneratedRegex("""(?<name>[A-Za-z0-9_\-]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^\s,]+))""")]
    private static partial Regex Parameter();
}
