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
            var condition = target.DynamicConditions.FirstOrDefault(c => !ExecutionPlanner.Evaluate(target, c, "OnlyWhenDynamic"));
            if (condition is not null)
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
            target.Status = ExecutionStatus.Failed;
            if (e is OperationCanceledException && cancellation.IsCancellationRequested)
            {
                target.Reason = "interrupted";
                Log.Error("Target {Target} was interrupted", target.Name);
            }
            else if (e is TargetFailedException or InvalidUsageException)
            {
                // The user can act on the message alone; a stack trace would only bury it.
                target.Reason = e.Message;
                Log.Error("Target {Target} failed: {Message}", target.Name, e.Message);
            }
            else
            {
                target.Reason = $"{e.GetType().Name}: {e.Message}";
                if (NukeBuild.Verbosity == Verbosity.Verbose)
                    Log.Error(e, "Target {Target} failed: {Failure}", target.Name, target.Reason);
                else
                    Log.Error("Target {Target} failed: {Failure} (run with --verbosity verbose for the stack trace)", target.Name, target.Reason);
            }

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
