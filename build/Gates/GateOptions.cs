namespace TemplateFleet.Gates;

/// <summary>How a gate runs; the target passes its parameters here.</summary>
public sealed record GateOptions
{
    /// <summary>Templates gated at the same time (each one is a container plus its execs).</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>Probes run at the same time inside one container (they are independent and read-only, or
    /// write only uniquely named scratch files).</summary>
    public int ProbeParallelism { get; init; } = 4;

    /// <summary>Secret values (the build's [Secret] parameters) masked in every report.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Where JUnit and markdown reports go (the run's RunPaths.Reports); null: no files.</summary>
    public string? ReportsDirectory { get; init; }

    /// <summary>Characters of an <c>sh -xc</c> trace kept for a silent failure.</summary>
    public int TraceTailChars { get; init; } = 2000;

    /// <summary>Running gate containers of other runs younger than this may be a concurrent build's: not reaped.</summary>
    public TimeSpan LeftoverGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>List every check on the console and in the markdown (false: the failing ones, and how many passed;
    /// for gates of many checks, such as TemplateTests' one per test). JUnit always lists every check.</summary>
    public bool ListPassingChecks { get; init; } = true;

    /// <summary>Smoke only: how long to wait for the runtime's health endpoint.</summary>
    public int ReadinessTimeoutSeconds { get; init; } = 60;
}
