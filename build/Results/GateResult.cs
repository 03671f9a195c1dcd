using System.Text.Json.Serialization;
using TemplateFleet.Pins;

namespace TemplateFleet.Results;

public enum Severity { Hard, Soft }

/// <summary>
/// One gate's verdict on one template (Smoke or T4Conformance), written once to
/// output/results/&lt;gate&gt;/&lt;template&gt;.json; reports, the summary, Publish and the pull request read it.
/// </summary>
/// <param name="Gate">"smoke" or "t4".</param>
/// <param name="Shape">Which provisioner shape actually ran, e.g. "privileged" or "fallback: all grantable capabilities".</param>
/// <param name="Error">Set when the gate could not run its checks at all (container did not start, not ready...).</param>
public sealed record GateResult(
    string Gate,
    string Template,
    string Shape,
    IReadOnlyList<string> MissingCapabilities,
    IReadOnlyList<CheckResult> Checks,
    string? Error,
    TimeSpan Duration)
{
    [JsonIgnore]
    public bool Passed => Error is null && Checks.All(c => c.Passed || c.Severity == Severity.Soft);

    /// <summary>The checks that fail this gate (no flag turns them green), in check order.</summary>
    [JsonIgnore]
    public IReadOnlyList<CheckResult> HardFailures => Checks.Where(c => !c.Passed && c.Severity == Severity.Hard).ToList();

    /// <summary>The ids of <see cref="HardFailures"/>: what a failure message and the publish refusal name.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> HardFailureIds => HardFailures.Select(c => c.Id).ToList();

    [JsonIgnore]
    public int PassedChecks => Checks.Count(c => c.Passed);

    /// <summary>Passed and total checks, as the pin and the pull request show them.</summary>
    [JsonIgnore]
    public CheckTotals Totals => new(PassedChecks, Checks.Count);
}

/// <summary>One check of a gate, as it ran.</summary>
public sealed record CheckResult
{
    public required string Id { get; init; }
    public required string Description { get; init; }
    public Severity Severity { get; init; } = Severity.Hard;
    public bool Passed { get; init; }
    public long? ExitCode { get; init; }
    public string Stdout { get; init; } = "";
    public string Stderr { get; init; } = "";
    /// <summary>Tail of an `sh -xc` re-run when the first run failed silently; diagnostics only.</summary>
    public string? Trace { get; init; }
    public bool TimedOut { get; init; }
    /// <summary>One line a person can act on, e.g. "expected exit 0, got 1".</summary>
    public string? Reason { get; init; }
    public TimeSpan Duration { get; init; }
}
