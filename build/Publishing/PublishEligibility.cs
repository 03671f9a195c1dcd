using TemplateFleet.Fleet;

namespace TemplateFleet.Publishing;

/// <summary>A template is published only when it built and passed both gates.</summary>
public static class PublishEligibility
{
    /// <summary>Null when the template may be published, else why not.</summary>
    public static string? Check(TemplateRun run)
    {
        if (run.Build != StageStatus.Succeeded)
            return run.BuildFailure is { Length: > 0 } failure ? $"build {Describe(run.Build)}: {failure}" : $"build {Describe(run.Build)}";
        if (run.ImageId is null)
            return "build produced no image id";
        if (Gate("Smoke", run.Smoke) is { } smoke)
            return smoke;
        return Gate("T4 conformance", run.T4);
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

    static string Describe(StageStatus status) => status switch
    {
        StageStatus.NotRun => "did not run",
        StageStatus.Skipped => "was skipped",
        _ => "failed",
    };
}
