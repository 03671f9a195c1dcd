using System.Diagnostics;
using System.Globalization;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>How one phase of a collection fixture ended: done, failed with an exception, or not run because a phase it needs did not succeed.</summary>
public sealed record PhaseOutcome(string Fixture, string Name, TimeSpan Duration, Exception? Failure, string? NotRunBecause)
{
    public bool Succeeded => Failure is null && NotRunBecause is null;

    public override string ToString() =>
        Failure is not null ? $"{Fixture} phase '{Name}' failed after {Duration.TotalSeconds:0} s: {Failure.GetType().Name}: {Failure.Message}\n{Failure.StackTrace}"
        : NotRunBecause is not null ? $"{Fixture} phase '{Name}' did not run: {NotRunBecause}"
        : $"{Fixture} phase '{Name}' succeeded in {Duration.TotalSeconds:0} s";
}

/// <summary>
/// The phases of a collection fixture (tests/IntegrationTests/README.md): each runs once in the fixture's
/// InitializeAsync, is timed and recorded, and NEVER throws: an exception becomes the phase's outcome, which only
/// the facts that <see cref="Require"/> that phase report (with the failure and the log tail the phase names).
/// A phase that needs another one that did not succeed is recorded as not run, naming why. Each phase's time goes to
/// output/test-results/fixtures/&lt;fixture&gt;.tsv, which ./build.sh Test adds to its per-class time table.
/// </summary>
public sealed class FixturePhases(string fixture)
{
    readonly Dictionary<string, PhaseOutcome> outcomes = new(StringComparer.Ordinal);
    readonly Dictionary<string, Func<string>> logs = new(StringComparer.Ordinal);
    bool timesStarted;

    public string Fixture { get; } = fixture;

    /// <summary>Where phase times go (one file per fixture, so collections running side by side never share one).</summary>
    public static string TimesDirectory => RepositoryRoot.Combine("output", "test-results", "fixtures");

    public IReadOnlyCollection<PhaseOutcome> Outcomes
    {
        get
        {
            lock (outcomes)
                return [.. outcomes.Values];
        }
    }

    /// <summary>Runs <paramref name="work"/> as phase <paramref name="name"/> unless a phase of <paramref name="needs"/> did not succeed.</summary>
    public async Task RunAsync(string name, Func<Task> work, params string[] needs)
    {
        foreach (var need in needs)
        {
            if (Get(need) is { Succeeded: true })
                continue;
            Record(new PhaseOutcome(Fixture, name, TimeSpan.Zero, null, $"it needs phase '{need}', which {(Get(need) is null ? "never ran" : "did not succeed")}"));
            return;
        }
        var clock = Stopwatch.StartNew();
        Exception? failure = null;
        try
        {
            await work();
        }
        catch (Exception e)
        {
            failure = e;
        }
        Record(new PhaseOutcome(Fixture, name, clock.Elapsed, failure, null));
    }

    /// <summary>Names the log a phase writes, so a fact that finds the phase failed shows its tail.</summary>
    public void LogOf(string name, Func<string> text)
    {
        lock (outcomes)
            logs[name] = text;
    }

    public PhaseOutcome? Get(string name)
    {
        lock (outcomes)
            return outcomes.GetValueOrDefault(name);
    }

    /// <summary>In a fact: fails it, with the cause and the log tail, unless every phase named succeeded.</summary>
    public void Require(params string[] names)
    {
        foreach (var name in names)
        {
            var outcome = Get(name) ?? throw new Xunit.Sdk.XunitException($"{Fixture} has no phase '{name}' (phases: {string.Join(", ", Outcomes.Select(o => o.Name))})");
            if (outcome.Succeeded)
                continue;
            Func<string>? log;
            lock (outcomes)
                log = logs.GetValueOrDefault(name);
            var tail = log is null ? "" : "\n--- log tail ---\n" + BuildScript.Tail(SafeRead(log), 40);
            throw new Xunit.Sdk.XunitException(outcome + tail);
        }
    }

    static string SafeRead(Func<string> log)
    {
        try
        {
            return log();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    void Record(PhaseOutcome outcome)
    {
        lock (outcomes)
            outcomes[outcome.Name] = outcome;
        try
        {
            Directory.CreateDirectory(TimesDirectory);
            var state = outcome.Succeeded ? "ok" : outcome.Failure is not null ? "failed" : "not run";
            var line = string.Create(CultureInfo.InvariantCulture, $"{outcome.Name}\t{outcome.Duration.TotalSeconds:0.0}\t{state}\n");
            var file = Path.Combine(TimesDirectory, Fixture + ".tsv");
            lock (outcomes)
            {
                // This run's phases only: the file starts afresh with the fixture's first phase.
                if (timesStarted)
                    File.AppendAllText(file, line);
                else
                    File.WriteAllText(file, line);
                timesStarted = true;
            }
        }
        catch (IOException)
        {
            // The times are a report; a fixture never fails for them.
        }
    }
}
