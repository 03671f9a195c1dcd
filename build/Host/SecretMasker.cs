namespace TemplateFleet.Host;

/// <summary>Replaces the values of [Secret] parameters with "*****" wherever text leaves the build.</summary>
public sealed class SecretMasker
{
    public const string Mask = "*****";

    private volatile string[] _secrets = [];

    public SecretMasker(IEnumerable<string?>? secrets = null)
    {
        foreach (var secret in secrets ?? [])
            Add(secret);
    }

    public bool HasSecrets => _secrets.Length > 0;

    public void Add(string? secret)
    {
        // Very short values would mask unrelated text ("a", "1"), and are not real secrets anyway.
        if (string.IsNullOrEmpty(secret) || secret.Length < 3 || _secrets.Contains(secret))
            return;

        // Longest first, so a secret containing another is masked whole.
        _secrets = [.. _secrets.Append(secret).OrderByDescending(s => s.Length)];
    }

    public string Apply(string text)
    {
        // One snapshot of the list: Add may replace it meanwhile.
        foreach (var secret in _secrets)
            text = text.Replace(secret, Mask, StringComparison.Ordinal);

        return text;
    }
}
