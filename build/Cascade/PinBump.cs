using TemplateFleet.Release;

namespace TemplateFleet.Cascade;

/// <summary>A changed file for the pull request: path relative to the repository root, with '/' separators.</summary>
public sealed record PinChange(string Path, string Content);

/// <summary>What one pin-bump pull request carries: the pins the release published, the title and the body.</summary>
public sealed record PinBump(string RuntimeVersion, IReadOnlyList<PinChange> Changes, string Title, string Body)
{
    public string Branch => PullRequestBody.BranchName(RuntimeVersion);

    /// <summary>The release's pin files (none when it published nothing: there is then no pull request to make).</summary>
    public static PinBump From(ReleaseProposal release, string? runId = null) =>
        new(release.RuntimeVersion,
            release.PublishedAnything ? [.. release.Files.Select(f => new PinChange(f.Path, f.Content))] : [],
            PullRequestBody.Title(release.RuntimeVersion),
            PullRequestBody.Render(release, runId));
}
