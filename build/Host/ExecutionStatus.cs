namespace TemplateFleet.Host;

/// <summary>A target's outcome, named as NUKE names it in its summary.</summary>
public enum ExecutionStatus
{
    Scheduled,
    NotRun,
    Skipped,
    Running,
    Succeeded,
    Failed,
    /// <summary>Ran, but has no actions of its own: it only groups its dependencies.</summary>
    Collective,
}
