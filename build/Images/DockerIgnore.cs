using System.Text;
using System.Text.RegularExpressions;

namespace TemplateFleet.Images;

/// <summary>
/// .dockerignore with Docker's semantics (moby/patternmatcher): one pattern a line, '#' comments,
/// leading '/' dropped, '*' and '?' stay inside one path segment, '**' spans segments, '!' re-includes,
/// the last matching pattern wins, and a pattern that matches a parent folder matches everything in it.
/// </summary>
public sealed class DockerIgnore
{
    public const string FileName = ".dockerignore";
    private readonly IReadOnlyList<(Regex Pattern, bool Exclusion)> _patterns;

    private DockerIgnore(IReadOnlyList<(Regex, bool)> patterns) => _patterns = patterns;

    public static readonly DockerIgnore Empty = new([]);

    public static DockerIgnore Load(string contextDirectory)
    {
        var file = Path.Combine(contextDirectory, FileName);
        return File.Exists(file) ? Parse(File.ReadAllText(file)) : Empty;
    }

    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;

            var exclusion = line.StartsWith('!');
            if (exclusion)
                line = line[1..].Trim();

            var pattern = Clean(line);
            if (pattern.Length == 0)
                continue;

            patterns.Add((ToRegex(pattern), exclusion));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>True when the path (relative, '/'-separated) is left out of the context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        var parents = path.Split('/');
        var excluded = false;
        foreach (var (pattern, exclusion) in _patterns)
        {
            if (excluded == !exclusion)
            {
                // This pattern cannot change the outcome (as Docker does, only the last match counts).
                continue;
            }

            var match = pattern.IsMatch(path);
            for (var i = 1; !match && i < parents.Length; i++)
                match = pattern.IsMatch(string.Join('/', parents[..i]));

            if (match)
                excluded = !exclusion;
        }

        return excluded;
    }

    // filepath.Clean plus the CLI's "drop a leading /".
    private static string Clean(string pattern)
    {
        var parts = new List<string>();
        foreach (var part in pattern.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
                continue;

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
                parts.RemoveAt(parts.Count - 1);
            else
                parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (ch == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                        i++;

                    regex.Append(i + 1 >= pattern.Length ? ".*" : "(.*/)?");
                }
                else
                    regex.Append("[^/]*");
            }
            else if (ch == '?')
                regex.Append("[^/]");
            else if (ch == '\\' && i + 1 < pattern.Length)
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            else if (".+()|{}$^".Contains(ch))
                regex.Append('\\').Append(ch);
            else
                regex.Append(ch);
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
