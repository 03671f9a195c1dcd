using TemplateFleet.PackageIndex;

namespace TemplateFleet.Results;

/// <summary>
/// What one invocation was: written once to output/results/run.json after Restore, so a later job knows which
/// runtime, revision and templates the other records belong to.
/// </summary>
/// <param name="Commit">The full commit, null without git.</param>
/// <param name="Registry">host[:port] Publish pushes to; null when this run publishes nothing.</param>
/// <param name="Job">The CI job that made these records ($GITHUB_JOB, plus the matrix value when given), else null.</param>
public sealed record RunRecord(
    string RunId,
    string RuntimePackage,
    Pep440Version RuntimeVersion,
    string RuntimeVersionSource,
    bool DevelopmentPackages,
    string? Commit,
    string RevisionTag,
    IReadOnlyList<string> Templates,
    string? Registry,
    string? Job,
    DateTimeOffset StartedAt);
