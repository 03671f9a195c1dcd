namespace TemplateFleet.Host;

/// <summary>NUKE's helper for <see cref="NukeBuild.ReportSummary"/>.</summary>
public static class SummaryExtensions
{
    /// <summary>A note without a value, e.g. "cached".</summary>
    public static IDictionary<string, string> AddPair(this IDictionary<string, string> dictionary, string key) =>
        dictionary.AddPair(key, "");

    public static IDictionary<string, string> AddPair<T>(this IDictionary<string, string> dictionary, string key, T? value)
    {
        dictionary[key] = value?.ToString() ?? "";
        return dictionary;
    }
}
