namespace TemplateFleet.Host;

/// <summary>NUKE's helper for <see cref="NukeBuild.ReportSummary"/>.</summary>
public static class SummaryExtensions
{
    public static IDictionary<string, string> AddPair<T>(this IDictionary<string, string> dictionary, string key, T? value)
    {
        dictionary[key] = value?.ToString() ?? "";
        return dictionary;
    }
}
