namespace TemplateFleet.Gates;

/// <summary>What one exec in a gate container produced.</summary>
public sealed record ExecOutcome(long? ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Duration)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;
}
