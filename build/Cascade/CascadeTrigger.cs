using Serilog;
using TemplateFleet.Fleet;
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

    /// <summary>The marker had no pull request and no run for longer than fleet.yaml inputs.retakeAfter: made again and dispatched again.</summary>
    Retaken,
}

public sealed record TriggerResult(TriggerOutcome Outcome, ProposalKey Key, string Reason);

/// <summary>
/// Starts the cascade for a runtime release that nobody announced (the scheduled watch). The marker that a cascade
/// for a version has started is its branch, made before the dispatch: the forge creates a branch once, so two
/// overlapping ticks dispatch one cascade, and a tick during a running cascade does not start (and, on Gitea before
/// 1.26, cancel it with) another. A dispatch that fails removes the marker again, so the next tick retries.
/// Bumps are dispatched on their own marker branch (<c>onMarker</c>): before 1.26 Gitea cancels a running run of the same
/// workflow and ref, so the bumps of two inputs dispatched on the base branch in one tick would cancel each other.
/// A marker's clock is a commit status (context template-fleet/&lt;branch&gt;) on its head, set at each dispatch: a marker
/// without a pull request whose status is older than <paramref name="retakeAfter"/> (longer than any run may take: the
/// workflows' timeout-minutes) lost its run, and is made again and dispatched again; one without that status (made by a
/// cascade's own base job) gets it now and is left alone (docs/keeping-current.md, "A stuck bump").
/// </summary>
public sealed class CascadeTrigger(IForge forge, PinProposer proposer, TimeSpan? retakeAfter = null, TimeProvider? clock = null)
{
    readonly TimeSpan retakeAfter = retakeAfter ?? InputPolicies.DefaultRetakeAfter;
    readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>The commit status that is the marker's clock.</summary>
    public static string StatusContext(ProposalKey key) => "template-fleet/" + key.Branch;

    public async Task<TriggerResult> TriggerAsync(ProposalKey key, string workflowFile, IReadOnlyDictionary<string, string> inputs, CancellationToken ct, bool onMarker = false)
    {
        var readiness = await proposer.PreflightAsync(key: null, ct);
        var status = await proposer.StatusAsync(key, ct);
        if (!status.MayPropose)
            return Result(TriggerOutcome.LeftAlone, key, $"its pull request is {status.State} ({status.PullRequest?.Url})");
        string? retaken = null;
        if (status is { State: CascadeState.Started, Head: { } head })
        {
            if (await forge.GetCommitStatusTimeAsync(head.Sha, StatusContext(key), ct) is not { } since)
            {
                await forge.SetCommitStatusAsync(head.Sha, StatusContext(key), "pending", "no run known: the marker's clock starts now", ct);
                return Result(TriggerOutcome.AlreadyStarted, key, $"branch {status.Branch} exists without a pull request; its clock starts now");
            }
            var age = clock.GetUtcNow() - since;
            if (age < this.retakeAfter)
                return Result(TriggerOutcome.AlreadyStarted, key, $"branch {status.Branch} exists ({status.State}, dispatched {Hours(age)} ago)");
            retaken = $"retaken (no pull request and no run for {Hours(age)})";
            await proposer.UnmarkAsync(key, ct);
        }
        else if (status.State != CascadeState.NotStarted)
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
        var dispatched = $"{workflowFile} dispatched on {reference}";
        if (await forge.GetBranchAsync(key.Branch, ct) is { } marker)
            await forge.SetCommitStatusAsync(marker.Sha, StatusContext(key), "pending", dispatched, ct);
        return retaken is null ? Result(TriggerOutcome.Dispatched, key, dispatched) : Result(TriggerOutcome.Retaken, key, $"{retaken}: {dispatched}");
    }

    static string Hours(TimeSpan age) => $"{age.TotalHours:0.#}h";

    static TriggerResult Result(TriggerOutcome outcome, ProposalKey key, string reason)
    {
        Log.Information("{Subject} {Version}: {Outcome}, {Reason}", char.ToUpperInvariant(key.Subject[0]) + key.Subject[1..], key.Version, outcome, reason);
        return new TriggerResult(outcome, key, reason);
    }
}
