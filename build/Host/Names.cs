namespace TemplateFleet.Host;

/// <summary>
/// Matches what the user typed to a name: case, dashes and underscores ignored, unambiguous target prefixes accepted,
/// and closest-name hints (edit distance) for mistyped options, targets, parameters and names in attributes.
/// </summary>
internal static class Names
{
    public static string Normalize(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();

    public static ExecutableTarget Find(IReadOnlyList<ExecutableTarget> targets, string typed, string context)
    {
        var key = Normalize(typed);
        var prefixed = targets.Where(t => key.Length > 0 && Normalize(t.Name).StartsWith(key, StringComparison.Ordinal)).ToList();
        if ((targets.FirstOrDefault(t => Normalize(t.Name) == key) ?? (prefixed.Count == 1 ? prefixed[0] : null)) is { } found)
            return found;

        if (prefixed.Count > 1)
        {
            throw new InvalidUsageException(
                $"{context} '{typed}' is ambiguous: it could be {string.Join(", ", prefixed.Select(t => t.Name))}. Type more of the name.");
        }

        var valid = targets.Where(t => t.Listed).Select(t => t.Name).ToList();
        throw new InvalidUsageException($"{context} '{typed}' is unknown.{Hint(typed, valid)} Valid targets: {string.Join(", ", valid)}.");
    }

    /// <summary>" Did you mean 'X'?" for the closest candidate, or "" when none is close.</summary>
    public static string Hint(string typed, IEnumerable<string> candidates)
    {
        var key = Normalize(typed);
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(key, Normalize(c))))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        // Only hint when the typo is small relative to the word, otherwise the hint is noise.
        return best.Candidate is not null && best.Distance <= Math.Max(3, key.Length / 3) ? $" Did you mean '{best.Candidate}'?" : "";
    }

    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
