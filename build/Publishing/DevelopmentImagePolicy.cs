using TemplateFleet.Fleet;
using TemplateFleet.Registry;

namespace TemplateFleet.Publishing;

/// <summary>Images built from the embedded development index stay on loopback: they carry stand-in packages.</summary>
public static class DevelopmentImagePolicy
{
    public static bool IsDevelopmentImage(IDictionary<string, string>? labels) =>
        labels is not null
        && labels.TryGetValue(Labels.DevelopmentPackages, out var value)
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the image may not go to that registry, or null when it may.</summary>
    public static string? RefusalReason(string template, IDictionary<string, string>? labels, string registry)
    {
        if (!IsDevelopmentImage(labels) || RegistryHost.IsLoopbackRegistry(registry))
            return null;
        return $"refused to push {template} to {registry}: the image is built from development packages "
            + $"(label {Labels.DevelopmentPackages}=true) and may only go to a loopback registry "
            + "(127.0.0.0/8, ::1, localhost). Build it against a real package index to publish it elsewhere.";
    }
}
