using TemplateFleet.Fleet;
using TemplateFleet.Registry;
using TemplateFleet.Results;

namespace TemplateFleet.Publishing;

/// <summary>
/// A template is published only when it built and passed the gates: its tests (when it has any), Smoke and T4. Images
/// built from the embedded development index stay on loopback: they carry stand-in packages.
/// </summary>
public static class PublishEligibility
{
    /// <summary>Null when the template may be published, else why not.</summary>
    /// <param name="testsRequired">The template has tests to run (TemplateTestGate.Applies): then TemplateTests must have passed.</param>
    public static string? Check(BuildResult? build, GateResult? smoke, GateResult? t4, GateResult? templateTests = null, bool testsRequired = false) => build switch
    {
        null => "build did not run",
        { Status: not BuildStatus.Built } => build.Failure is { Length: > 0 } failure ? $"build {Describe(build.Status)}: {failure}" : $"build {Describe(build.Status)}",
        { ImageId: null } => "build produced no image id",
        _ => (testsRequired ? Gate("TemplateTests", templateTests) : null) ?? Gate("Smoke", smoke) ?? Gate("T4 conformance", t4),
    };

    /// <summary>Why the image may not go to that registry, or null when it may.</summary>
    /// <param name="development">The run says development packages went in: the image is one even if its label went missing.</param>
    public static string? DevelopmentRefusal(string template, IDictionary<string, string>? labels, string registry, bool development = false) =>
        (development || (labels?.TryGetValue(Labels.DevelopmentPackages, out var value) == true && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)))
        && !RegistryHost.IsLoopbackRegistry(registry)
            ? $"refused to push {template} to {registry}: the image is built from development packages "
                + $"(label {Labels.DevelopmentPackages}=true) and may only go to a loopback registry "
                + "(127.0.0.0/8, ::1, localhost). Build it against a real package index to publish it elsewhere."
            : null;

    static string? Gate(string name, GateResult? gate) => gate switch
    {
        null => $"{name} did not run",
        { Passed: true } => null,
        { Error: { Length: > 0 } error } => $"{name} failed: {error}",
        _ => $"{name} failed: {string.Join(", ", gate.HardFailureIds)}",
    };

    static string Describe(BuildStatus status) => status switch
    {
        BuildStatus.Skipped => "was skipped",
        BuildStatus.Unchanged => "did not run: unchanged since its pin",
        _ => "failed",
    };
}
