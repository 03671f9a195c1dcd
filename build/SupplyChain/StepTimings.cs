using System.Diagnostics;
using System.Globalization;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Where one image's supply-chain time goes, step by step (a step that runs twice adds up): printed per image
/// in the Publish summary and log, so a user sees which step costs what, and whether a cache was used.
/// </summary>
public sealed class StepTimings
{
    // Steps run side by side (the security index is fetched while the image is read), so every update and every read
    // takes the lock. Listed in the order first seen.
    readonly OrderedDictionary<string, (TimeSpan Time, string? Note)> steps = new(StringComparer.Ordinal);

    public async Task<T> TimeAsync<T>(string step, Func<Task<T>> work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await work();
        }
        finally
        {
            Update(step, s => s with { Time = s.Time + Stopwatch.GetElapsedTime(started) });
        }
    }

    public async Task TimeAsync(string step, Func<Task> work) => await TimeAsync(step, async () =>
    {
        await work();
        return true;
    });

    /// <summary>A word about a step beside its time ("cached", "3/15 layers read"); a step that took no time yet is listed at 0.0 s.</summary>
    public void Note(string step, string note) => Update(step, s => s with { Note = note });

    void Update(string step, Func<(TimeSpan Time, string? Note), (TimeSpan Time, string? Note)> change)
    {
        lock (steps)
            steps[step] = change(steps.GetValueOrDefault(step));
    }

    public TimeSpan Total => Snapshot().Aggregate(TimeSpan.Zero, (total, step) => total + step.Value.Time);

    /// <summary>"scan 1.2 s (3/15 layers read), sbom 0.0 s (cached), sign 0.8 s".</summary>
    public override string ToString() => string.Join(", ", Snapshot().Select(s =>
        $"{s.Key} {Seconds(s.Value.Time)}{(s.Value.Note is { } note ? $" ({note})" : "")}"));

    KeyValuePair<string, (TimeSpan Time, string? Note)>[] Snapshot()
    {
        lock (steps)
            return [.. steps];
    }

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
