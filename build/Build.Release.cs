using Serilog;
using TemplateFleet.Cascade;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Publishing;
using TemplateFleet.Release;
using TemplateFleet.Results;

namespace TemplateFleet;

// The release across jobs: the pins job collects what the base and template jobs recorded (their results
// artifacts, downloaded into output/jobs) and opens one pull request; Cascade in one process does the same
// from this run's results.
internal sealed partial class Build
{
    /// <summary>Every job's results the pins job downloaded; a clear line and none when nothing came.</summary>
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
        var release = ReleaseProposal.From(fleet, FleetLoader.LoadTemplates(fleet, fleet.TemplateNames), stores, PinFile.ReadAll(fleet));
        if (RequestedVersion is { } requested && release.RuntimeVersion != requested.ToString())
            throw new FleetException($"the jobs built runtime {release.RuntimeVersion}, but this run is for {requested}: the results belong to another release.");
        foreach (var template in release.Templates)
            Log.Information("{Template}: {Outcome}", template.Template, template.Published ? $"published {template.Pin!.Reference}" : template.Reason);

        var bump = PinBump.From(release, Context.RunId);
        if (bump.Changes.Count == 0)
        {
            Log.Warning("Nothing was published for runtime {Version}: no pull request.", release.RuntimeVersion);
            ReportSummary(_ => _.AddPair("pull request", "none: nothing was published"));
            return;
        }
        var pullRequest = await PullRequestOpener.Create(CascadeOptions).OpenOrUpdateAsync(bump, CancellationToken);
        ReportSummary(_ => _.AddPair("pull request", pullRequest?.Url ?? "none: nothing was published"));
    }
}
