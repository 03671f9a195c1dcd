using TemplateFleet.Fleet;
using TemplateFleet.Registry;

namespace TemplateFleet.Publishing;

/// <summary>Images built from the embedded development index stay on loopback: they carry stand-in packages.</summary>
public static class DevelopmentImagePolicy
{
    /// <summary>Why the image may not go to that registry, or null when it may.</summary>
    /// <param name="development">The run says development packages went in: the image is one even if its label went missing.</param>
    public static string? RefusalReason(string template, IDictionary<string, string>? labels, string registry, bool development = false) =>
        (development || (labels?.TryGetValue(Labels.DevelopmentPackages, out var value) == true && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)))
        && !RegistryHost.IsLoopbackRegistry(registry)
            ? $"refused to push {template} to {registry}: the image is built from development packages "
                + $"(label {Labels.DevelopmentPackages}=true) and may only go to a loopback registry "
                + "(127.0.0.0/8, ::1, localhost). Build it against a real package index to publish it elsewhere."
            : null;
}
