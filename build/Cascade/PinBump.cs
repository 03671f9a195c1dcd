using TemplateFleet.Fleet;
using TemplateFleet.Publishing;
using TemplateFleet.Results;

namespace TemplateFleet.Cascade;

/// <summary>A changed file for the pull request: path relative to the repository root, with '/' separators.</summary>
public sealed record PinChange(string Path, string Content);

/// <summary>What one pin-bump pull request carries: the pins this run published, the title and the body.</summary>
public sealed record PinBump(string RuntimeVersion, IReadOnlyList<PinChange> Changes, string Title, string Body)
{
    public string Branch => PullRequestBody.BranchName(RuntimeVersion);

    /// <summary>The pins Publish recorded for the templates (and the base) it published, or found unchanged, from the results:
    /// a pin equal to the base branch's changes nothing, one this checkout published earlier for the version still belongs in the pull request.</summary>
    public static PinBump FromRun(RunContext context, FleetRun run, ResultStore results)
    {
        var version = run.RuntimeVersion.ToString();
        var published = run.Templates.Select(t => results.Publish(t.Name)).Prepend(results.BasePublish)
            .Where(p => p is { Status: PublishStatus.Published or PublishStatus.Unchanged, Pin: not null })
            .Select(p => new PinChange(p!.PinFile, PinFile.Serialize(p.Pin!)))
            .ToList();
        return new PinBump(version, published, PullRequestBody.Title(version), PullRequestBody.Render(context, run, results));
    }
}
