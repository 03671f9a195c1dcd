namespace TemplateFleet.Host;

/// <summary>Matches what the user typed to a target: case and dashes ignored, unambiguous prefixes accepted.</summary>
internal static class TargetNames
{
    public static string Normalize(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();

    public static ExecutableTarget Find(IReadOnlyList<ExecutableTarget> targets, string typed, string context)
    {
        var key = Normalize(typed);
        var exact = targets.FirstOrDefault(t => Normalize(t.Name) == key);
        if (exact is not null)
        {
            return exact;
        }

        var prefixed = targets.Where(t => key.Length > 0 && Normalize(t.Name).StartsWith(key, StringComparison.Ordinal)).ToList();
        if (prefixed.Count == 1)
            return prefixed[0];

        if (prefixed.Count > 1)
        {
            throw new InvalidUsageException(
                $"{context} '{typed}' is ambiguous: it could be {string.Join(", ", prefixed.Select(t => t.Name))}. Type more of the name.");
        }

        var valid = targets.Where(t => t.Listed).Select(t => t.Name).ToList();
        throw new InvalidUsageException($"{context} '{typed}' is unknown.{Similarity.Hint(typed, valid)} Valid targets: {string.Join(", ", valid)}.");
    }
}
