using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;

namespace TemplateFleet.Pins;

/// <summary>
/// No run writes a pin older than the one it replaces: the runtime, the agent and every upstream input a pin records
/// stay or move forward, never back. A run from a checkout older than its pins (main moved under a bump or a cascade:
/// another one merged first) is refused before it pushes, in one line that says what to do.
/// </summary>
public static class PinOrder
{
    /// <param name="file">The pin file, as messages name it.</param>
    /// <param name="schemeOf">How an input's versions order, by input name (an agent's is its template's); null: not compared.</param>
    public static void Check(string file, Pin? old, Pin next, Func<string, VersionScheme?> schemeOf)
    {
        if (old is null)
            return;
        var backwards = new List<string>();
        if (old.RuntimeVersion is { } runtimeWas && next.RuntimeVersion is { } runtime && runtime.CompareTo(runtimeWas) < 0)
            backwards.Add($"runtime {runtimeWas} → {runtime}");
        Compare(next.Template, old.AgentVersion, next.AgentVersion);
        foreach (var (input, was) in old.Upstream ?? new Dictionary<string, string>())
            Compare(input, was, next.Upstream?.GetValueOrDefault(input));
        if (backwards.Count > 0)
            throw new FleetException($"{file}: this run would replace the pin with an older one ({string.Join(", ", backwards)}); nothing was pushed or written. "
                + "The pin is newer than this checkout: update it (git pull; for a bump, run it again on main) and run again. To go back on purpose, change the data and delete the pin file first.");

        void Compare(string input, string? was, string? now)
        {
            if (was is not null && now is not null && schemeOf(input) is { } scheme && scheme.IsValid(was) && scheme.IsValid(now) && scheme.Compare(now, was) < 0)
                backwards.Add($"{input} {was} → {now}");
        }
    }
}
