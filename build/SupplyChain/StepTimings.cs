using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Where one image's supply-chain time goes, step by step (a step that runs twice adds up): printed per image
/// in the Publish summary and log, so a user sees which step costs what, and whether a cache was used.
/// </summary>
public sealed class StepTimings
{
    readonly ConcurrentDictionary<string, TimeSpan> steps = new(StringComparer.Ordinal);
    readonly ConcurrentQueue<string> order = new();
    readonly ConcurrentDictionary<string, string> notes = new(StringComparer.Ordinal);

    public async Task<T> TimeAsync<T>(string step, Func<Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await work();
        }
        finally
        {
            Add(step, clock.Elapsed);
        }
    }

    public async Task TimeAsync(string step, Func<Task> work) => await TimeAsync(step, async () =>
    {
        await work();
        return true;
    });

    public void Add(string step, TimeSpan elapsed)
    {
        if (steps.TryAdd(step, elapsed))
            order.Enqueue(step);
        else
            steps.AddOrUpdate(step, elapsed, (_, before) => before + elapsed);
    }

    /// <summary>A word about a step beside its time ("cached", "3/15 layers read").</summary>
    public void Note(string step, string note) => notes[step] = note;

    public TimeSpan Total => steps.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    /// <summary>"scan 1.2 s (3/15 layers read), sbom 0.0 s (cached), sign 0.8 s".</summary>
    public override string ToString() => string.Join(", ", order.Select(s =>
        $"{s} {Seconds(steps[s])}{(notes.TryGetValue(s, out var note) ? $" ({note})" : "")}"));

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
