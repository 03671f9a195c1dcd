using System.Text;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Cascade;

/// <summary>The pin-bump pull request's title and body, rendered from the run's per-template results.</summary>
public static class PullRequestBody
{
    public static string Title(string runtimeVersion) => $"Bump workspace runtime to {runtimeVersion}";

    public static string BranchName(string runtimeVersion) => $"cascade/runtime-{runtimeVersion}";

    public static string Render(RunContext context, FleetRun run, ResultStore results)
    {
        var text = new StringBuilder();
        text.Append($"Runtime `{run.Config.Runtime.Package}` **{run.RuntimeVersion}**");
        if (context.Revision.Commit is { Length: > 0 } sha)
            text.Append($", built from {sha}");
        text.Append($" (run {context.RunId}).\n\n");
        text.Append("| template | pin |\n| --- | --- |\n");
        foreach (var template in run.Templates)
            text.Append($"| {Cell(template.Name)} | {Cell(Outcome(results.Publish(template.Name)))} |\n");
        var kept = run.Templates.Count(t => results.Publish(t.Name)?.Status != PublishStatus.Published);
        if (kept > 0)
            text.Append($"\n{kept} template(s) kept their old pin; they are retried on the next run for this version.\n");
        return text.ToString();
    }

    static string Outcome(PublishResult? result) => result switch
    {
        { Status: PublishStatus.Published, Pin: { } pin } => $"`{pin.Reference}`",
        { } kept => $"kept old pin: {kept.Reason}",
        null => "kept old pin: Publish did not run",
    };

    // A reason may hold pipes or several lines; either would break the table row.
    static string Cell(string value) =>
        value.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();
}
