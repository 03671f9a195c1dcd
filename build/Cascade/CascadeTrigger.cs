using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
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
/// The scheduled watch runs through it: the runtime's newest release when a pin is behind it
/// (<see cref="WatchRuntimeAsync"/>), and each input's bump (<see cref="WatchBumpsAsync"/>).
/// </summary>
public sealed class CascadeTrigger(IForge forge, PinProposer proposer, TimeSpan? retakeAfter = null, TimeProvider? clock = null)
{
    readonly TimeSpan retakeAfter = retakeAfter ?? InputPolicies.DefaultRetakeAfter;
    readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>The name of the workflow the runtime watch dispatches: the generated cascade workflow.</summary>
    public const string CascadeWorkflowFile = "cascade.yml";

    /// <summary>The generated bump workflow.</summary>
    public const string BumpWorkflowFile = "bump.yml";

    /// <summary>The cascade workflow's inputs (the snake_case names of its RuntimeVersion and PackageIndex parameters).</summary>
    public static IReadOnlyDictionary<string, string> CascadeInputs(Pep440Version version, string packageIndex) =>
        new Dictionary<string, string> { ["runtime_version"] = version.ToString(), ["package_index"] = packageIndex };

    /// <summary>The bump workflow's inputs (the snake_case names of Bump's Input and InputVersion parameters, and the index the watch read).</summary>
    public static IReadOnlyDictionary<string, string> BumpInputs(string input, string version, string packageIndex) =>
        new Dictionary<string, string> { ["input"] = input, ["input_version"] = version, ["package_index"] = packageIndex };

    /// <summary>Templates whose pin holds a runtime older than <paramref name="newest"/>, or no pin at all.</summary>
    public static IReadOnlyList<string> Behind(Pep440Version newest, IReadOnlyDictionary<string, Pin?> pins) =>
        [.. pins.Where(p => p.Value?.RuntimeVersion is not { } pinned || pinned.CompareTo(newest) < 0).Select(p => p.Key)];

    /// <summary>
    /// The scheduled watch, for a runtime release nobody announced: the newest release on the index against what the
    /// pins hold. When some template's pin holds an older runtime (or none), it triggers the cascade for that release,
    /// at most once per version. Returns what it found and did, as the summary's note.
    /// </summary>
    /// <param name="packageIndex">The index the cascade is dispatched with, so it waits for the release where the watch saw it.</param>
    public async Task<string> WatchRuntimeAsync(Pep440Version newest, IReadOnlyDictionary<string, Pin?> pins, string packageIndex, CancellationToken ct)
    {
        var behind = Behind(newest, pins);
        if (behind.Count == 0)
        {
            Log.Information("Every pin holds runtime {Version}, the newest on the index: nothing to do", newest);
            return $"{newest}: every pin holds it";
        }
        Log.Information("Runtime {Version} is newer than the pins of {Templates}", newest, string.Join(", ", behind));
        var t = await TriggerAsync(ProposalKey.Runtime(newest), CascadeWorkflowFile, CascadeInputs(newest, packageIndex), ct);
        return $"{newest}: {t.Outcome} ({t.Reason})";
    }

    /// <summary>
    /// The scheduled watch for every other input: each input version <c>Outdated</c> allows (of an input whose policy watches it) starts its bump,
    /// at most once per version (its marker branch), dispatched on that branch. A version with a pull request of any state, or a marker of a
    /// running bump, is not started again: a failed bump's work-in-progress pull request is not retried on every tick.
    /// </summary>
    public async Task<IReadOnlyList<TriggerResult>> WatchBumpsAsync(IEnumerable<KeepCurrent.OutdatedRow> rows, string packageIndex, CancellationToken ct)
    {
        var results = new List<TriggerResult>();
        foreach (var (input, version) in rows.Where(r => r.Bumpable is not null && r.Input.Policy.Watch).Select(r => (r.Input.Name, r.Bumpable!)))
            results.Add(await TriggerAsync(ProposalKey.Bump(input, version), BumpWorkflowFile, BumpInputs(input, version, packageIndex), ct, onMarker: true));
        return results;
    }

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
