using System.Diagnostics;
using System.Reflection;
using Serilog;

namespace TemplateFleet.Host;

/// <summary>
/// Runs a plan with NUKE's failure semantics: a failing target stops the build unless it declares
/// ProceedAfterFailure, in which case every later target (its dependents too) still runs and the build
/// fails at the end. Records status, duration and failure per target.
/// </summary>
internal static class BuildExecutor
{
    public static async Task RunAsync(NukeBuild build, IReadOnlyList<ExecutableTarget> plan, CancellationToken cancellation)
    {
        var stopped = false;
        foreach (var target in plan)
        {
            if (target.Status == ExecutionStatus.Skipped)
            {
                Log.Debug("Skipping {Target}: {Reason}", target.Name, target.Reason);
                continue;
            }

            if (cancellation.IsCancellationRequested || stopped)
            {
                target.Status = ExecutionStatus.NotRun;
                target.Reason = cancellation.IsCancellationRequested ? "not run: the build was interrupted" : "not run: an earlier target failed";
                continue;
            }

            if (!await RunAsync(build, target, cancellation) && !target.IsProceedAfterFailure)
                stopped = true;
        }
    }

    private static async Task<bool> RunAsync(NukeBuild build, ExecutableTarget target, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        build.CurrentTarget = target;
        try
        {
            if (target.DynamicConditions.FirstOrDefault(c => !ExecutionPlanner.Evaluate(target, c, "OnlyWhenDynamic")) is { } condition)
            {
                target.Skip($"skipped: OnlyWhenDynamic({ExecutionPlanner.Describe(condition)}) is false");
                Log.Information("Skipping {Target}: {Reason}", target.Name, target.Reason);
                return true;
            }

            Log.Information("═══ {Target} ═══", target.Name);
            target.Status = ExecutionStatus.Running;
            foreach (var action in target.Actions)
                await action();

            target.Status = target.HasActions ? ExecutionStatus.Succeeded : ExecutionStatus.Collective;
            return true;
        }
        catch (Exception raw)
        {
            var e = Unwrap(raw);
            var interrupted = e is OperationCanceledException && cancellation.IsCancellationRequested;
            var bug = !interrupted && e is not (TargetFailedException or InvalidUsageException);
            target.Status = ExecutionStatus.Failed;
            // A failure the user can act on is its message alone: a stack trace would only bury it.
            target.Reason = interrupted ? "interrupted" : bug ? $"{e.GetType().Name}: {e.Message}" : e.Message;
            if (interrupted)
                Log.Error("Target {Target} was interrupted", target.Name);
            else if (bug && NukeBuild.Verbosity != Verbosity.Verbose)
                Log.Error("Target {Target} failed: {Failure} (run with --verbosity verbose for the stack trace)", target.Name, target.Reason);
            else
                Log.Error(bug ? e : null, "Target {Target} failed: {Failure}", target.Name, target.Reason);

            return false;
        }
        finally
        {
            build.CurrentTarget = null;
            target.Duration = stopwatch.Elapsed;
        }
    }

    private static Exception Unwrap(Exception e) => e switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => e,
    };
}
