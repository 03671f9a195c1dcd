namespace TemplateFleet.SupplyChain;

/// <summary>A package URL (pkg:type/namespace/name@version?qualifiers#subpath), the identity both SBOM
/// formats carry for each package. Only what the checks need: type, full name, version, qualifiers.</summary>
public sealed record Purl(string Type, string? Namespace, string Name, string? Version, IReadOnlyDictionary<string, string> Qualifiers)
{
    /// <summary>The name as its ecosystem spells it: "@openai/codex" for a scoped npm package, else the name.</summary>
    public string FullName => Namespace is null || Type != "npm" ? Name : $"{Namespace}/{Name}";

    public static Purl? TryParse(string? text)
    {
        if (text is null || !text.StartsWith("pkg:", StringComparison.Ordinal))
            return null;
        var rest = text[4..].TrimStart('/');
        var hash = rest.IndexOf('#');
        if (hash >= 0)
            rest = rest[..hash];
        var qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq > 0)
                    qualifiers[pair[..eq].ToLowerInvariant()] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            rest = rest[..question];
        }
        string? version = null;
        var at = rest.LastIndexOf('@');
        // An '@' right after a '/' starts an npm scope ("%40scope" is the canonical spelling, but be lenient).
        if (at > 0 && rest[at - 1] != '/')
        {
            version = Uri.UnescapeDataString(rest[(at + 1)..]);
            rest = rest[..at];
        }
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length < 2)
            return null;
        var type = segments[0].ToLowerInvariant();
        var name = segments[^1];
        var ns = segments.Length > 2 ? string.Join("/", segments[1..^1]) : null;
        return new Purl(type, ns, name, version, qualifiers);
    }
}
