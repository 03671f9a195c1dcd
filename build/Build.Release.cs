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
    IReadOnlyList<ResultStore> CollectJobResults()
    {
        var downloads = Context.Paths.Jobs;
        var stores = JobResults.Collect(downloads);
        foreach (var store in stores)
            Log.Information("Results of {Job}", JobResults.Describe(store, downloads));
        return stores;
    }

    async Task ProposeAsync(IReadOnlyList<ResultStore> stores)
    {
        if (stores.Count == 0)
        {
            Log.Warning("No job left results in {Folder} (the base job failed, or nothing was downloaded): no pull request.", Context.Paths.Jobs);
            ReportSummary(_ => _.AddPair("pull request", "none: no results"));
            return;
        }
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        var release = ReleaseProposal.From(fleet, FleetLoader.LoadTemplates(fleet, fleet.TemplateNames), stores, pinsBefore ?? PinFile.ReadAll(fleet));
        if (RequestedVersion is { } requested && release.RuntimeVersion != requested.ToString())
            throw new FleetException($"the jobs built runtime {release.RuntimeVersion}, but this run is for {requested}: the results belong to another release.");
        foreach (var template in release.Templates)
            Log.Information("{Template}: {Outcome}", template.Template, template.Published ? $"published {template.Pin!.Reference}" : template.Reason);
        if (!release.PublishedAnything)
        {
            Log.Warning("Nothing was published for runtime {Version}: no pull request.", release.RuntimeVersion);
            ReportSummary(_ => _.AddPair("pull request", "none: nothing was published"));
            return;
        }

        // A cascade's pull request is its runtime version's; any other release (a push to main) gets its own, by revision.
        var key = RequestedVersion is null ? ReleaseKey(release) : null;
        var result = await Proposer.ProposeAsync(CascadeProposal.From(release, key), CancellationToken);
        ReportSummary(_ => _.AddPair("pull request", result.Outcome == ProposalOutcome.NothingToPropose
            ? "none: no pin differs from the base"
            : $"{result.Outcome.ToString().ToLowerInvariant()} #{result.Number} {result.Url}"));
    }

    static string ReleaseKey(ReleaseProposal release) =>
        release.Revision is { Length: >= 12 } revision ? revision[..12] : release.Revision ?? $"runtime-{release.RuntimeVersion}";
}
