using System.Text;
using TemplateFleet.Release;
using TemplateFleet.Results;

namespace TemplateFleet.Cascade;

/// <summary>The pin-bump pull request's title and body, rendered from the release's results.</summary>
public static class PullRequestBody
{
    public static string Title(string runtimeVersion) => $"Bump workspace runtime to {runtimeVersion}";

    public static string BranchName(string runtimeVersion) => $"cascade/runtime-{runtimeVersion}";

    public static string Render(ReleaseProposal release, string? runId)
    {
        var text = new StringBuilder();
        text.Append($"Runtime `{release.RuntimePackage}` **{release.RuntimeVersion}**");
        if (release.Revision is { Length: > 0 } sha)
            text.Append($", built from {sha}");
        text.Append(runId is null ? ".\n\n" : $" (run {runId}).\n\n");
        if (release.Base is { Pin: { } basePin } @base)
            text.Append(@base.Status == PublishStatus.Published ? $"Base: published `{basePin.Reference}`.\n\n" : $"Base: `{basePin.Reference}` (unchanged).\n\n");
        text.Append("| template | pin |\n| --- | --- |\n");
        foreach (var template in release.Templates)
            text.Append($"| {Cell(template.Template)} | {Cell(Outcome(template))} |\n");
        var kept = release.Templates.Count(t => t.Status is not (PublishStatus.Published or PublishStatus.Unchanged));
        if (kept > 0)
            text.Append($"\n{kept} template(s) kept their old pin; they are retried on the next run for this version.\n");
        foreach (var warning in release.Warnings)
            text.Append($"\nWarning: {Cell(warning)}\n");
        return text.ToString();
    }

    static string Outcome(ReleasedTemplate template) => template switch
    {
        { Status: PublishStatus.Published, Pin: { } pin } => $"`{pin.Reference}`",
        { Status: PublishStatus.Unchanged, Pin: { } pin } => $"unchanged: `{pin.Reference}`",
        _ => $"kept old pin: {template.Reason}",
    };

    // A reason may hold pipes or several lines; either would break the table row.
    static string Cell(string value) =>
        value.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();
}
