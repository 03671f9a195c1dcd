using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;

namespace TemplateFleet;

// The release across jobs: the pins job collects what the base and template jobs recorded (their results
// artifacts, downloaded into output/jobs) and opens one pull request through the forge layer; Cascade in one
// process does the same from this run's results.
internal sealed partial class Build
{
    /// <summary>Every job's results the pins job downloaded; none when nothing came.</summary>
    IReadOnlyList<ResultStore> CollectJobResults() => ResultStore.Collect(Context.Paths.Jobs);

    async Task ProposeAsync(IReadOnlyList<ResultStore> stores)
    {
        if (stores.Count == 0)
        {
            Log.Warning("No job left results in {Folder} (the base job failed, or nothing was downloaded): no pull request.", Context.Paths.Jobs);
            ReportSummary(_ => _.AddPair("pull request", "none: no results"));
            return;
        }
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        // A cascade (a runtime version given) proposes that runtime; any other release, the images of its revision. The
        // pull request's key is read from what the jobs recorded, not from the parameter.
        var kind = RequestedVersion is null ? ProposalKind.Release : ProposalKind.Runtime;
        var release = ReleaseProposal.From(kind, fleet, FleetLoader.LoadTemplates(fleet, fleet.TemplateNames), stores, pinsBefore ?? PinFile.ReadAll(fleet));
        foreach (var template in release.Templates)
            Log.Information("{Template}: {Outcome}", template.Template, template.Published ? $"published {template.Publish.Pin!.Reference}" : template.Publish.Reason);
        if (!release.PublishedAnything)
        {
            Log.Warning("Nothing was published for runtime {Version}: no pull request.", release.RuntimeVersion);
            ReportSummary(_ => _.AddPair("pull request", "none: nothing was published"));
            return;
        }

        var result = await Proposer.ProposeAsync(release, CancellationToken);
        ReportSummary(_ => _.AddPair("pull request", result.Outcome == ProposalOutcome.NothingToPropose
            ? "none: no pin differs from the base"
            : $"{result.Outcome.ToString().ToLowerInvariant()} #{result.Number} {result.Url}"));
    }
}
