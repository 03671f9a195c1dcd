using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>A package URL (pkg:type/namespace/name@version?qualifiers#subpath), the identity both SBOM
/// formats carry for each package. Only what the checks need: type, full name, version, qualifiers.</summary>
public sealed partial record Purl(string Type, string? Namespace, string Name, string? Version, IReadOnlyDictionary<string, string> Qualifiers)
{
    /// <summary>The name as its ecosystem spells it: "@openai/codex" for a scoped npm package, else the name.</summary>
    public string FullName => Namespace is null || Type != "npm" ? Name : $"{Namespace}/{Name}";

    public static Purl? TryParse(string? text)
    {
        if (text is null || PurlParts().Match(text) is not { Success: true } parts)
            return null;
        var segments = parts.Groups["path"].Value.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length < 2)
            return null;
        var qualifiers = parts.Groups["qualifiers"].Value.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p is [{ Length: > 0 }, _])
            .GroupBy(p => p[0].ToLowerInvariant(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.Last()[1]), StringComparer.Ordinal);
        var version = parts.Groups["version"] is { Success: true } v ? Uri.UnescapeDataString(v.Value) : null;
        return new Purl(segments[0].ToLowerInvariant(), segments.Length > 2 ? string.Join("/", segments[1..^1]) : null, segments[^1], version, qualifiers);
    }

    // The version follows the last '@' that does not start a path segment (an npm scope, "%40scope" in the canonical
    // spelling, but be lenient); the qualifiers follow the first '?', the subpath the first '#'.
    [GeneratedRegex(@"^pkg:/*(?<path>[^?#]+?)(?:(?<!/)@(?<version>[^?#@]*))?(?:\?(?<qualifiers>[^#]*))?(?:#.*)?\z", RegexOptions.Singleline)]
    private static partial Regex PurlParts();
}
