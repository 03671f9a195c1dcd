namespace TemplateFleet.Fleet;

/// <summary>Turns `--templates codex,hermes` into the templates to run, in fleet order.</summary>
public static class TemplateSelection
{
    /// <param name="requested">Names as given (each entry may itself be comma-separated); null or empty = the whole fleet.</param>
    public static IReadOnlyList<string> Resolve(FleetConfig fleet, string[]? requested, string parameterName = "--templates")
    {
        var names = (requested ?? [])
            .SelectMany(r => r.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        if (names.Count == 0)
            return fleet.TemplateNames;
        var unknown = names.Where(n => !fleet.TemplateNames.Contains(n, StringComparer.Ordinal)).Distinct().ToList();
        if (unknown.Count > 0)
            throw new FleetException($"{parameterName}: unknown template{(unknown.Count > 1 ? "s" : "")} "
                + $"{string.Join(", ", unknown.Select(u => $"'{Printable.Of(u)}'"))}; valid: {string.Join(", ", fleet.TemplateNames)}");
        return fleet.TemplateNames.Where(names.Contains).ToList();
    }
}
