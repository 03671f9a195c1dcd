using System.Text.Json;
using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>
/// Smoke's runtime check: the health document must report status ok, the run's runtime version (the cache
/// trap shipped an old runtime under a new tag) and the template's adapter.
/// </summary>
public static class HealthCheck
{
    public const string Id = "runtime-health";

    /// <summary>null when healthy; otherwise every mismatch, naming expected and actual values.</summary>
    public static string? Judge(string body, string? expectedVersion, string expectedAdapter)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return $"health endpoint did not return JSON ({e.Message})";
        }
        string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var problems = new List<string>();
        if (Field("status") != "ok")
            problems.Add($"status is '{Field("status")}', expected 'ok'");
        if (expectedVersion is not null && Field("version") != expectedVersion)
            problems.Add($"runtime version is {Field("version") ?? "(missing)"}, expected {expectedVersion} (a cached pip layer, or the wrong RUNTIME_VERSION build arg?)");
        if (Field("adapter") != expectedAdapter)
            problems.Add($"adapter is '{Field("adapter") ?? "(missing)"}', expected '{expectedAdapter}' (template.yaml adapter)");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
