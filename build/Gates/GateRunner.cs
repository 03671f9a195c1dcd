using System.Diagnostics;
using Docker.DotNet;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Reports;

namespace TemplateFleet.Gates;

/// <summary>
/// What both gates share: pick the templates whose build succeeded, reap leftovers, run one template per
/// slot (bounded), always remove this run's containers (also on Ctrl-C and process exit), write the
/// reports, and fail with one message naming every template and failed check.
/// </summary>
public sealed class GateRunner(RunContext context, string gate, string targetName)
{
    private readonly IDockerClient docker = context.Engine.Client;

    public delegate Task CheckTemplate(TemplateRun template, GateResult result, CancellationToken ct);

    public async Task<IReadOnlyList<GateResult>> RunAsync(FleetRun run, GateOptions options, CheckTemplate check, CancellationToken ct)
    {
        var eligible = run.Templates.Where(t => t.Build == StageStatus.Succeeded && t.ImageId is not null).ToList();
        foreach (var skipped in run.Templates.Except(eligible))
            Log.Warning("{Target}: {Template} skipped, its image was not built ({Status})", targetName, skipped.Name, skipped.Build);
        if (eligible.Count == 0)
            throw new FleetException($"{targetName}: no template has a built image to check; run BuildImage first (or fix its failures).");

        var reaper = new ContainerReaper(docker);
        var reaped = await reaper.RemoveLeftoversAsync(context.RunId, options.LeftoverGrace, ct).ConfigureAwait(false);
        if (reaped > 0)
            Log.Information("{Target}: removed {Count} leftover gate container(s) of earlier runs", targetName, reaped);

        void Cleanup() => reaper.RemoveRunAsync(context.RunId, gate, CancellationToken.None).Wait(TimeSpan.FromSeconds(20));
        ConsoleCancelEventHandler onCancel = (_, _) => Cleanup();
        EventHandler onExit = (_, _) => Cleanup();
        Console.CancelKeyPress += onCancel;
        AppDomain.CurrentDomain.ProcessExit += onExit;
        var results = eligible.Select(t => new GateResult(gate, t.Name)).ToList();
        try
        {
            await Parallel.ForEachAsync(eligible.Zip(results), new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.Parallelism),
                CancellationToken = ct,
            }, async (pair, token) =>
            {
                var (template, result) = pair;
                Store(template, result);
                var clock = Stopwatch.StartNew();
                try
                {
                    await check(template, result, token).ConfigureAwait(false);
                }
                catch (GateSetupException e)
                {
                    result.Error = e.Message;
                }
                catch (DockerApiException e)
                {
                    result.Error = $"the engine refused: {e.ResponseBody?.Trim() ?? e.Message}";
                }
                result.Duration = clock.Elapsed;
                Log.Information("{Target}: {Template} {Verdict} in {Seconds:0.0} s ({Passed}/{Total} checks)", targetName, template.Name,
                    result.Passed ? "passed" : "FAILED", result.Duration.TotalSeconds, result.Checks.Count(c => c.Passed), result.Checks.Count);
            }).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
            await reaper.RemoveRunAsync(context.RunId, gate, CancellationToken.None).ConfigureAwait(false);
        }

        var masker = new SecretMasker(options.Secrets);
        Log.Information("{Table}", ConsoleReport.Render(results, masker));
        if (options.ReportsDirectory is { } dir)
            ReportFiles.Write(dir, gate, results, masker);
        foreach (var soft in results.SelectMany(r => r.Checks.Where(c => !c.Passed && c.Severity == Severity.Soft).Select(c => (r, c))))
            Log.Warning("{Target}: {Template} soft check {Check} failed: {Reason}", targetName, soft.r.Template, soft.c.Id, masker.Apply(soft.c.Reason ?? ""));

        var failed = results.Where(r => !r.Passed).ToList();
        if (failed.Count > 0)
            throw new FleetException(masker.Apply(FailureMessage(targetName, failed, results.Count)));
        return results;
    }

    void Store(TemplateRun template, GateResult result)
    {
        if (gate == GateLabels.T4)
            template.T4 = result;
        else
            template.Smoke = result;
    }

    internal static string FailureMessage(string targetName, IReadOnlyList<GateResult> failed, int total)
    {
        var lines = failed.Select(r => r.Error is { } error
            ? $"  {r.Template}: could not run its checks: {error.Split('\n')[0]}"
            : $"  {r.Template}: failed {string.Join(", ", r.HardFailureIds)}");
        return $"{targetName} failed for {failed.Count} of {total} template(s) (hard failures; no flag turns them green):\n" +
               string.Join('\n', lines) + "\nSee the table above and output/reports for each check's output and trace.";
    }
}
