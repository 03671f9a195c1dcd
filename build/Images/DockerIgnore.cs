using System.Text.RegularExpressions;

namespace TemplateFleet.Images;

/// <summary>
/// .dockerignore with Docker's semantics (moby/patternmatcher): one pattern a line, '#' comments,
/// leading '/' dropped, '*' and '?' stay inside one path segment, '**' spans segments, '!' re-includes,
/// the last matching pattern wins, and a pattern that matches a parent folder matches everything in it.
/// </summary>
public sealed partial class DockerIgnore(IReadOnlyList<(Regex Pattern, bool Exclusion)> patterns)
{
    public const string FileName = ".dockerignore";

    public static DockerIgnore Load(string contextDirectory)
    {
        var file = Path.Combine(contextDirectory, FileName);
        return File.Exists(file) ? Parse(File.ReadAllText(file)) : new([]);
    }

    public static DockerIgnore Parse(string text) => new([
        .. from raw in text.Split('\n')
           let line = raw.Trim()
           where line.Length > 0 && !line.StartsWith('#')
           let exclusion = line.StartsWith('!')
           let pattern = Clean(exclusion ? line[1..].Trim() : line)
           where pattern.Length > 0
           select (ToRegex(pattern), exclusion)]);

    /// <summary>True when the path (relative, '/'-separated) is left out of the context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var parents = relativePath.Replace('\\', '/').Trim('/').Split('/');
        var excluded = false;
        // The last matching pattern wins; one that cannot change the outcome is not even tried (as Docker does).
        // A pattern matches the path or any folder it is in.
        foreach (var (pattern, exclusion) in patterns)
        {
            if (excluded != !exclusion && Enumerable.Range(1, parents.Length).Any(i => pattern.IsMatch(string.Join('/', parents[..i]))))
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

    // '**' (with its '/') spans segments, '*' and '?' stay in one, '\x' is x itself; '[...]' classes stay as they are.
    private static Regex ToRegex(string pattern) => new("^" + Glob().Replace(pattern, m => m.Value switch
    {
        ['*', '*', ..] => m.Index + m.Length >= pattern.Length ? ".*" : "(.*/)?",
        "*" => "[^/]*",
        "?" => "[^/]",
        ['\\', var escaped] => Regex.Escape(escaped.ToString()),
        var special => "\\" + special,
    }) + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\*\*/?|\*|\?|\\.|[.+()|{}$^]")]
    private static partial Regex Glob();
}
