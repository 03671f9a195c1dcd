using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>What one exec in a gate container produced.</summary>
public sealed record ExecOutcome(long? ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Duration)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>The check this exec decided: passed when <paramref name="reason"/> is null.</summary>
    public CheckResult ToCheck(string id, string description, Severity severity, string? reason) => new()
    {
        Id = id,
        Description = description,
        Severity = severity,
        Passed = reason is null,
        ExitCode = ExitCode,
        Stdout = Stdout,
        Stderr = Stderr,
        TimedOut = TimedOut,
        Reason = reason,
        Duration = Duration,
    };
}
