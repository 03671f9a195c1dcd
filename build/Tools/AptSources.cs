using System.Text;

namespace TemplateFleet.Tools;

/// <summary>One stanza of a deb822 `.sources` file (sources.list(5)): the fields a private list needs.</summary>
public sealed record AptSourceStanza(
    IReadOnlyList<string> Types, IReadOnlyList<string> Uris, IReadOnlyList<string> Suites,
    IReadOnlyList<string> Components, string? SignedBy, string File, int Line);

/// <summary>
/// Reads the host's own apt sources and derives a private list for another suite of the same archives, so
/// the repository never names an archive host: the host's `bookworm` and `bookworm-security` stanzas become
/// `trixie` and `trixie-security` at the same URIs.
/// </summary>
public static class AptSources
{
    public const string HostSourcesDirectory = "/etc/apt/sources.list.d";

    /// <summary>Parses deb822 text. Disabled stanzas (`Enabled: no`) are left out; comments are skipped.</summary>
    public static IReadOnlyList<AptSourceStanza> Parse(string text, string file)
    {
        var stanzas = new List<AptSourceStanza>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        var start = 0;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i] : "";
            if (line.StartsWith('#'))
                continue;
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0 && !fields.GetValueOrDefault("Enabled", "").Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
                    stanzas.Add(new(Words("Types"), Words("URIs"), Words("Suites"), Words("Components"), fields.GetValueOrDefault("Signed-By")?.Trim(), file, start));
                fields.Clear();
                current = null;
            }
            // A continuation line (multi-line values such as an inline Signed-By key).
            else if (char.IsWhiteSpace(line[0]) && current is not null)
                fields[current] += "\n" + (line.Trim() == "." ? "" : line.Trim());
            else if (line.IndexOf(':') is var colon and > 0)
            {
                if (fields.Count == 0)
                    start = i + 1;
                current = line[..colon].Trim();
                fields[current] = line[(colon + 1)..].Trim();
            }
        }
        return stanzas;

        string[] Words(string key) => fields.GetValueOrDefault(key, "").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The host's stanzas from every `*.sources` file of <paramref name="directory"/>, in file name order.</summary>
    public static IReadOnlyList<AptSourceStanza> ReadHost(string directory = HostSourcesDirectory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.sources").Order(StringComparer.Ordinal)
                .SelectMany(f => Parse(File.ReadAllText(f), f)).ToList()
            : [];

    /// <summary>
    /// A deb822 list for <paramref name="suite"/> at the URIs where the host gets <paramref name="hostCodename"/>:
    /// each host suite `hostCodename` or `hostCodename-&lt;pocket&gt;` becomes `suite` or `suite-&lt;pocket&gt;` (a
    /// backports suite, itself a pocket, only from the host's main archive),
    /// with the stanza's components and key. Only binary (`deb`) stanzas count. Null when none names the codename.
    /// </summary>
    public static string? PrivateList(IEnumerable<AptSourceStanza> host, string hostCodename, string suite)
    {
        var text = new StringBuilder();
        foreach (var stanza in host.Where(s => s.Types.Contains("deb") && s.Uris.Count > 0 && s.Components.Count > 0))
        {
            // A backports suite is one pocket of its own: the host's main archive serves it, nothing else maps to it.
            var suites = stanza.Suites
                .Select(s => s == hostCodename ? suite
                    : s.StartsWith(hostCodename + "-", StringComparison.Ordinal) && !suite.Contains('-') ? suite + s[hostCodename.Length..]
                    : null)
                .OfType<string>().Distinct().ToList();
            if (suites.Count == 0)
                continue;
            text.Append(text.Length == 0 ? "" : "\n")
                .Append($"# From {stanza.File}:{stanza.Line}\n")
                .Append("Types: deb\n")
                .Append($"URIs: {string.Join(' ', stanza.Uris)}\n")
                .Append($"Suites: {string.Join(' ', suites)}\n")
                .Append($"Components: {string.Join(' ', stanza.Components)}\n")
                // Binary package indices only: no translations, no AppStream metadata.
                .Append("Targets: Packages\n");
            if (stanza.SignedBy is { Length: > 0 } signedBy)
            {
                // An inline key keeps deb822's shape: one line per key line, indented, "." for an empty one.
                text.Append(signedBy.Contains('\n')
                    ? "Signed-By:\n " + string.Join("\n ", signedBy.Split('\n').Select(l => l.Length == 0 ? "." : l))
                    : "Signed-By: " + signedBy).Append('\n');
            }
        }
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>VERSION_CODENAME of an os-release file's text, or null.</summary>
    public static string? Codename(string osRelease) =>
        osRelease.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal))
            .Select(l => l["VERSION_CODENAME=".Length..].Trim('"', '\'')).FirstOrDefault(c => c.Length > 0);
}
