namespace TemplateFleet.Reports;

/// <summary>Replaces secret values with *** in anything a report prints (console, JUnit, markdown).</summary>
public sealed class SecretMasker
{
    public const string Placeholder = "***";
    readonly IReadOnlyList<string> values;

    public SecretMasker(IEnumerable<string> secretValues) =>
        // Longest first, so a secret that contains another is masked whole; very short values would mask noise.
        values = secretValues.Where(v => v.Trim().Length >= 3).Distinct().OrderByDescending(v => v.Length).ToList();

    public static readonly SecretMasker None = new([]);

    public string Mask(string text)
    {
        foreach (var v in values)
            text = text.Replace(v, Placeholder, StringComparison.Ordinal);
        return text;
    }
}
