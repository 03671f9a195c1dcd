namespace TemplateFleet.Host;

/// <summary>Closest-name hints for mistyped options, targets, parameters and names in attributes (edit distance).</summary>
internal static class Similarity
{
    /// <summary>" Did you mean 'X'?" for the closest candidate, or "" when none is close.</summary>
    public static string Hint(string typed, IEnumerable<string> candidates)
    {
        var key = TargetNames.Normalize(typed);
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(key, TargetNames.Normalize(c))))
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
