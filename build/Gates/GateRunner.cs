using System.Diagnostics;
using Docker.DotNet;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Reports;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>What a gate records while it checks one template; the runner makes the immutable <see cref="GateResult"/> of it.</summary>
public sealed class GateChecks
{
    /// <summary>Which provisioner shape actually ran.</summary>
    public string Shape { get; set; } = "";
    public IReadOnlyList<string> MissingCapabilities { get; set; } = [];
    public List<CheckResult> Checks { get; } = [];
}

/// <summary>A gate could not run its checks at all for one template (recorded as GateResult.Error).</summary>
public sealed class GateSetupException(string message) : Exception(message);

/// <summary>
/// What both gates share: pick the templates whose build succeeded (from the build results), reap leftovers,
/// run one template per slot (bounded), always remove this run's containers (also on Ctrl-C and process exit),
/// write each template's result once, the reports, and fail with one message naming every template and failed check.
/// </summary>
public sealed class GateRunner(RunContext context, string gate, string targetName)
{
    public async Task<IReadOnlyList<GateResult>> RunAsync(FleetRun run, ResultStore store, GateOptions options,
        Func<Template, string, GateChecks, CancellationToken, Task> check, CancellationToken ct)
    {
        var builds = run.Templates.Select(t => (Template: t, Build: store.Build(t.Name))).ToList();
        var eligible = builds.Where(b => b.Build is { Succeeded: true }).Select(b => (b.Template, ImageId: b.Build!.ImageId!)).ToList();
        foreach (var (template, build) in builds.Where(b => b.Build is not { Succeeded: true }))
        {
            if (build?.Status == BuildStatus.Unchanged)
                Log.Information("{Target}: {Template} not checked again: unchanged since its pin, which records its gates", targetName, template.Name);
            else
                Log.Warning("{Target}: {Template} skipped, its image was not built ({Status})", targetName, template.Name, build?.Status.ToString() ?? "BuildImage did not run");
        }
        if (eligible.Count == 0)
        {
            if (builds.All(b => b.Build?.Status == BuildStatus.Unchanged))
                return [];
            throw new FleetException($"{targetName}: no template has a built image to check; run BuildImage first (or fix its failures).");
        }

        var reaper = new ContainerReaper(context.Engine.Client);
        var reaped = await reaper.RemoveLeftoversAsync(context.RunId, options.LeftoverGrace, ct).ConfigureAwait(false);
        if (reaped > 0)
            Log.Information("{Target}: removed {Count} leftover gate container(s) of earlier runs", targetName, reaped);

        void Cleanup() => reaper.RemoveRunAsync(context.RunId, gate, CancellationToken.None).Wait(TimeSpan.FromSeconds(20));
        ConsoleCancelEventHandler onCancel = (_, _) => Cleanup();
        EventHandler onExit = (_, _) => Cleanup();
        Console.CancelKeyPress += onCancel;
        AppDomain.CurrentDomain.ProcessExit += onExit;
        var done = new GateResult[eligible.Count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, eligible.Count), new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.Parallelism),
                CancellationToken = ct,
            }, async (i, token) =>
            {
                var (template, imageId) = eligible[i];
                var checks = new GateChecks();
                string? error = null;
                var clock = Stopwatch.StartNew();
                try
                {
                    await check(template, imageId, checks, token).ConfigureAwait(false);
                }
                catch (GateSetupException e)
                {
                    error = e.Message;
                }
                catch (DockerApiException e)
                {
                    error = $"the engine refused: {e.ResponseBody?.Trim() ?? e.Message}";
                }
                catch (Exception e)
                {
                    // Interrupted, or the engine lost: checks that did not finish did not pass, and the record says so.
                    error = e is OperationCanceledException ? "interrupted before its checks finished" : $"its checks did not finish: {e.Message}";
                    throw;
                }
                finally
                {
                    store.Write(done[i] = new GateResult(gate, template.Name, checks.Shape, checks.MissingCapabilities, [.. checks.Checks], error, clock.Elapsed));
                }
                Log.Information("{Target}: {Template} {Verdict} in {Seconds:0.0} s ({Passed}/{Total} checks)", targetName, template.Name,
                    done[i].Passed ? "passed" : "FAILED", done[i].Duration.TotalSeconds, done[i].PassedChecks, done[i].Checks.Count);
            }).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
            await reaper.RemoveRunAsync(context.RunId, gate, CancellationToken.None).ConfigureAwait(false);
        }

        var results = done.ToList();
        var masker = new SecretMasker(options.Secrets);
        Log.Information("{Table}", GateReport.RenderText(results, masker, options.ListPassingChecks));
        if (options.ReportsDirectory is { } dir)
            GateReport.Write(dir, gate, results, masker, options.ListPassingChecks);
        foreach (var soft in results.SelectMany(r => r.Checks.Where(c => !c.Passed && c.Severity == Severity.Soft).Select(c => (r, c))))
            Log.Warning("{Target}: {Template} soft check {Check} failed: {Reason}", targetName, soft.r.Template, soft.c.Id, masker.Apply(soft.c.Reason ?? ""));

        var failed = results.Where(r => !r.Passed).ToList();
        if (failed.Count > 0)
            throw new FleetException(masker.Apply(FailureMessage(targetName, failed, results.Count)));
        return results;
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
