using TemplateFleet.Results;

namespace TemplateFleet.Publishing;

/// <summary>A template is published only when it built and passed the gates: its tests (when it has any), Smoke and T4.</summary>
public static class PublishEligibility
{
    /// <summary>Null when the template may be published, else why not.</summary>
    /// <param name="testsRequired">The template has tests to run (TemplateTestGate.Applies): then TemplateTests must have passed.</param>
    public static string? Check(BuildResult? build, GateResult? smoke, GateResult? t4, GateResult? templateTests = null, bool testsRequired = false)
    {
        if (build is null)
            return "build did not run";
        if (build.Status != BuildStatus.Built)
            return build.Failure is { Length: > 0 } failure ? $"build {Describe(build.Status)}: {failure}" : $"build {Describe(build.Status)}";
        if (build.ImageId is null)
            return "build produced no image id";
        if (testsRequired && Gate("TemplateTests", templateTests) is { } testsWhy)
            return testsWhy;
        if (Gate("Smoke", smoke) is { } smokeWhy)
            return smokeWhy;
        return Gate("T4 conformance", t4);
    }

    static string? Gate(string name, GateResult? gate)
    {
        if (gate is null)
            return $"{name} did not run";
        if (gate.Passed)
            return null;
        if (gate.Error is { Length: > 0 } error)
            return $"{name} failed: {error}";
        return $"{name} failed: {string.Join(", ", gate.HardFailureIds)}";
    }

    static string Describe(BuildStatus status) => status switch
    {
        BuildStatus.Skipped => "was skipped",
        BuildStatus.Unchanged => "did not run: unchanged since its pin",
        _ => "failed",
    };
}
