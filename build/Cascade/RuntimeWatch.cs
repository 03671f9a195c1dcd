using Serilog;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;

namespace TemplateFleet.Cascade;

/// <summary>What the watch found: the newest release, the templates whose pin holds an older one (or none), and what it did.</summary>
public sealed record WatchResult(Pep440Version Newest, IReadOnlyList<string> Behind, TriggerResult? Trigger)
{
    public string Note => Trigger is { } t
        ? $"{Newest}: {t.Outcome} ({t.Reason})"
        : $"{Newest}: every pin holds it";
}

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

    /// <param name="packageIndex">The index the cascade is dispatched with, so it waits for the release where the watch saw it.</param>
    public static async Task<WatchResult> RunAsync(Pep440Version newest, IReadOnlyDictionary<string, Pin?> pins, CascadeTrigger trigger, string packageIndex, CancellationToken ct)
    {
        var behind = Behind(newest, pins);
        if (behind.Count == 0)
        {
            Log.Information("Every pin holds runtime {Version}, the newest on the index: nothing to do", newest);
            return new WatchResult(newest, behind, null);
        }
        Log.Information("Runtime {Version} is newer than the pins of {Templates}", newest, string.Join(", ", behind));
        return new WatchResult(newest, behind, await trigger.TriggerAsync(ProposalKey.Runtime(newest), CascadeWorkflowFile, DispatchInputs(newest, packageIndex), ct));
    }
}
