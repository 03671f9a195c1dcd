namespace TemplateFleet.PackageIndex;

/// <summary>How patiently <see cref="RuntimeVersionResolver"/> talks to the index.</summary>
public sealed class ResolverOptions
{
    /// <summary>Retries after the first attempt for transient failures (no answer, 5xx, 429).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>First back-off delay; it doubles per retry.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Limit for one request, whatever the HttpClient's own timeout is.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
