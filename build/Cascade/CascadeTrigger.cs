using Serilog;
using TemplateFleet.Forges;
using TemplateFleet.PullRequests;

namespace TemplateFleet.Cascade;

public enum TriggerOutcome
{
    /// <summary>The marker branch was made and the cascade workflow dispatched.</summary>
    Dispatched,

    /// <summary>A cascade for the version has started already (its branch or pull request exists): nothing done.</summary>
    AlreadyStarted,

    /// <summary>The version's pull request was closed, merged or changed by a person: left alone.</summary>
    LeftAlone,
}

public sealed record TriggerResult(TriggerOutcome Outcome, ProposalKey Key, string Reason);

/// <summary>
/// Starts the cascade for a runtime release that nobody announced (the scheduled watch). The marker that a cascade
/// for a version has started is its branch, made before the dispatch: the forge creates a branch once, so two
/// overlapping ticks dispatch one cascade, and a tick during a running cascade does not start (and, on Gitea before
/// 1.26, cancel it with) another. A dispatch that fails removes the marker again, so the next tick retries.
/// Bumps are dispatched on their own marker branch (<c>onMarker</c>): before 1.26 Gitea cancels a running run of the same
/// workflow and ref, so the bumps of two inputs dispatched on the base branch in one tick would cancel each other.
/// </summary>
public sealed class CascadeTrigger(IForge forge, PinProposer proposer)
{
    public async Task<TriggerResult> TriggerAsync(ProposalKey key, string workflowFile, IReadOnlyDictionary<string, string> inputs, CancellationToken ct, bool onMarker = false)
    {
        var readiness = await proposer.PreflightAsync(key: null, ct);
        var status = await proposer.StatusAsync(key, ct);
        if (!status.MayPropose)
            return Result(TriggerOutcome.LeftAlone, key, $"its pull request is {status.State} ({status.PullRequest?.Url})");
        if (status.State != CascadeState.NotStarted)
            return Result(TriggerOutcome.AlreadyStarted, key, $"branch {status.Branch} exists ({status.State})");
        if (!await proposer.MarkStartedAsync(key, ct))
            return Result(TriggerOutcome.AlreadyStarted, key, $"another trigger made branch {status.Branch} just now");
        var reference = onMarker ? key.Branch : readiness.BaseBranch;
        try
        {
            await forge.DispatchWorkflowAsync(workflowFile, reference, inputs, ct);
        }
        catch
        {
            await proposer.UnmarkAsync(key, CancellationToken.None);
            throw;
        }
        return Result(TriggerOutcome.Dispatched, key, $"dispatched {workflowFile} on {reference}");
    }

    static TriggerResult Result(TriggerOutcome outcome, ProposalKey key, string reason)
    {
        Log.Information("{Subject} {Version}: {Outcome}, {Reason}", char.ToUpperInvariant(key.Subject[0]) + key.Subject[1..], key.Version, outcome, reason);
        return new TriggerResult(outcome, key, reason);
    }
}
