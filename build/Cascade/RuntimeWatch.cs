using Serilog;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;

namespace TemplateFleet.Cascade;

/// <summary>
/// The scheduled watch, for a runtime release nobody announced: the newest release on the index against what the
/// pins hold. When some template's pin holds an older runtime (or none), it triggers the cascade for that release
/// through <see cref="CascadeTrigger"/>, which starts it at most once per version.
/// </summary>
public static class RuntimeWatch
{
    /// <summary>The name of the workflow the watch dispatches: the generated cascade workflow.</summary>
    public const string CascadeWorkflowFile = "cascade.yml";

    /// <summary>The cascade workflow's inputs (the snake_case names of its RuntimeVersion and PackageIndex parameters).</summary>
    public static IReadOnlyDictionary<string, string> DispatchInputs(Pep440Version version, string packageIndex) =>
        new Dictionary<string, string> { ["runtime_version"] = version.ToString(), ["package_index"] = packageIndex };

    /// <summary>Templates whose pin holds a runtime older than <paramref name="newest"/>, or no pin at all.</summary>
    public static IReadOnlyList<string> Behind(Pep440Version newest, IReadOnlyDictionary<string, Pin?> pins) =>
        [.. pins.Where(p => p.Value?.RuntimeVersion is not { } pinned || pinned.CompareTo(newest) < 0).Select(p => p.Key)];

    /// <summary>What the watch found and did, as the summary's note: the newest release, and the trigger's outcome when some pin is behind it.</summary>
    /// <param name="packageIndex">The index the cascade is dispatched with, so it waits for the release where the watch saw it.</param>
    public static async Task<string> RunAsync(Pep440Version newest, IReadOnlyDictionary<string, Pin?> pins, CascadeTrigger trigger, string packageIndex, CancellationToken ct)
    {
        var behind = Behind(newest, pins);
        if (behind.Count == 0)
        {
            Log.Information("Every pin holds runtime {Version}, the newest on the index: nothing to do", newest);
            return $"{newest}: every pin holds it";
        }
        Log.Information("Runtime {Version} is newer than the pins of {Templates}", newest, string.Join(", ", behind));
        var t = await trigger.TriggerAsync(ProposalKey.Runtime(newest), CascadeWorkflowFile, DispatchInputs(newest, packageIndex), ct);
        return $"{newest}: {t.Outcome} ({t.Reason})";
    }
}

/// <summary>
/// The scheduled watch for every other input: each input version <c>Outdated</c> allows (of an input whose policy watches it) starts its bump through
/// <see cref="CascadeTrigger"/>, at most once per version (its marker branch), dispatched on that branch. A version
/// with a pull request of any state, or a marker of a running bump, is not started again: a failed bump's
/// work-in-progress pull request is not retried on every tick.
/// </summary>
public static class BumpWatch
{
    /// <summary>The generated bump workflow.</summary>
    public const string WorkflowFile = "bump.yml";

    /// <summary>The bump workflow's inputs (the snake_case names of Bump's Input and InputVersion parameters, and the index the watch read).</summary>
    public static IReadOnlyDictionary<string, string> DispatchInputs(string input, string version, string packageIndex) =>
        new Dictionary<string, string> { ["input"] = input, ["input_version"] = version, ["package_index"] = packageIndex };

    public static async Task<IReadOnlyList<TriggerResult>> RunAsync(IEnumerable<KeepCurrent.OutdatedRow> rows, CascadeTrigger trigger, string packageIndex, CancellationToken ct)
    {
        var results = new List<TriggerResult>();
        foreach (var row in rows)
        {
            if (row.Bumpable is { } version && row.Input.Policy.Watch)
                results.Add(await trigger.TriggerAsync(ProposalKey.Bump(row.Input.Name, version), WorkflowFile, DispatchInputs(row.Input.Name, version, packageIndex), ct, onMarker: true));
        }
        return results;
    }
}
