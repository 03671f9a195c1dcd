namespace TemplateFleet.Pins;

/// <summary>The pins of one release share one base digest; pins that mix bases are normal after a partial failure
/// (the failed templates keep pins of an older release) and worth a warning, not an error.</summary>
public static class PinBases
{
    /// <summary>One line naming each base and its templates when the pins name more than one base; else null.</summary>
    public static string? MixWarning(IReadOnlyDictionary<string, Pin?> pins)
    {
        var groups = pins.Where(p => p.Value?.Base is not null)
            .GroupBy(p => p.Value!.Base!.Digest, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (groups.Count < 2)
            return null;
        var parts = groups.Select(g => $"{string.Join(", ", g.Select(p => p.Key).Order(StringComparer.Ordinal))} on base {Short(g.Key)}");
        return $"the pins mix {groups.Count} bases ({string.Join("; ", parts)}): normal after a partial failure; the next release builds them all FROM one base.";
    }

    static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;
}
