using System.Text;
using TemplateFleet.Fleet;

namespace TemplateFleet.Cascade;

/// <summary>The pin-bump pull request's title and body, rendered from the run's per-template results.</summary>
public static class PullRequestBody
{
    public static string Title(string runtimeVersion) => $"Bump workspace runtime to {runtimeVersion}";

    public static string BranchName(string runtimeVersion) => $"cascade/runtime-{runtimeVersion}";

    public static string Render(RunContext context, FleetRun run)
    {
        var text = new StringBuilder();
        text.Append($"Runtime `{run.Config.Runtime.Package}` **{run.RuntimeVersion}**");
        if (context.Revision.Commit is { Length: > 0 } sha)
            text.Append($", built from {sha}");
        text.Append($" (run {context.RunId}).\n\n");
        text.Append("| template | pin |\n| --- | --- |\n");
        foreach (var template in run.Templates)
            text.Append($"| {Cell(template.Name)} | {Cell(Outcome(template))} |\n");
        var kept = run.Templates.Count(t => t.Publish?.Status != PublishOutcome.Published);
        if (kept > 0)
            text.Append($"\n{kept} template(s) kept their old pin; they are retried on the next run for this version.\n");
        return text.ToString();
    }

    static string Outcome(TemplateRun template) => template.Publish switch
    {
        { Status: PublishOutcome.Published, Image: { } image, Digest: { } digest } => $"`{image}@{digest}`",
        { } result => $"kept old pin: {result.Reason}",
        null => "kept old pin: Publish did not run",
    };

    // A reason may hold pipes or several lines; either would break the table row.
    static string Cell(string value) =>
        value.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();
}
