using System.Xml.Linq;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Tools;

namespace TemplateFleet.Testing;

/// <summary>Totals of one or more test runs, read from the TRX files dotnet test writes.</summary>
public sealed record TestTotals(int Passed, int Failed, int Skipped)
{
    public static readonly TestTotals Zero = new(0, 0, 0);

    /// <summary>The totals of a run that exited <paramref name="exit"/>. vstest still writes what finished when the test
    /// host crashed, hung past --blame-hang-timeout or was killed ("Test Run Aborted"): with no failed test, the tests
    /// that never reported count as one failure, not as a pass.</summary>
    public TestTotals WithExit(int exit) => exit != 0 && Failed == 0 ? this with { Failed = 1 } : this;
    public static TestTotals operator +(TestTotals a, TestTotals b) =>
        new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);

    /// <summary>The plain closing line CI reads. A skipped test proves nothing, so it counts as failed.</summary>
    public string ClosingLine => $"{Passed} passed, {Failed + Skipped} failed";

    public static TestTotals FromTrx(string trxFile)
    {
        var counters = XDocument.Load(trxFile).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null)
        {
            // What did not run counts as not passed, like a run that left no TRX at all.
            Log.Error("{Message}", $"{trxFile}: no <Counters> element; the test run did not finish.");
            return new TestTotals(0, 1, 0);
        }

        int Read(string name) => int.TryParse(counters.Attribute(name)?.Value, out var n) ? n : 0;
        return new TestTotals(Read("passed"), Read("failed") + Read("error") + Read("timeout") + Read("aborted"), Read("notExecuted"));
    }

    /// <summary>
    /// One line per test that did not pass: its name and the first line of its message, so that a CI log that keeps
    /// only its tail still says what failed.
    /// </summary>
    public static IEnumerable<string> NotPassed(string trxFile) =>
        XDocument.Load(trxFile).Descendants().Where(e => e.Name.LocalName == "UnitTestResult" && (string?)e.Attribute("outcome") != "Passed")
            .Select(r =>
            {
                var message = r.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value.Trim() ?? "";
                var first = message.Split('\n', 2)[0].Trim();
                return $"  {r.Attribute("outcome")?.Value}: {r.Attribute("testName")?.Value}{(first.Length == 0 ? "" : ": " + (first.Length > 300 ? first[..300] + "…" : first))}";
            });
}

/// <summary>
/// Compiles the test projects once, then runs each with dotnet test --no-build (two runs may go side by side) and reads
/// its totals back from TRX, not from console text. After each project it writes the time per test class of every
/// project run so far (<see cref="TestTimes"/>): class-times.md (all of them, slowest first) and slowest.txt (the ten
/// slowest, which .ci/run prints), and not-passed.txt: every test of the run so far that did not pass, which .ci/run
/// prints too.
/// </summary>
public sealed class TestRunner(string repositoryRoot, string resultsDirectory)
{
    readonly List<ClassTime> times = [];
    readonly List<string> notPassed = [];

    /// <summary>One MSBuild over the solution: the test projects and the build they share, compiled before any run
    /// (two dotnet test builds at once would write the same outputs).</summary>
    public async Task BuildAsync(string solution, CancellationToken ct)
    {
        // Fixtures record their phases during the run: this run's only.
        var fixtures = Path.Combine(resultsDirectory, TestTimes.FixturesFolder);
        if (Directory.Exists(fixtures))
            Directory.Delete(fixtures, recursive: true);
        Log.Information("dotnet build {Solution}", solution);
        var exit = (await ToolProcess.RunAsync("dotnet", ["build", solution, "--nologo"], repositoryRoot, Timeout.InfiniteTimeSpan, ct,
            onLine: Console.Out.WriteLine)).ExitCode;
        if (exit != 0)
            throw new FleetException($"dotnet build {solution} exited {exit}: the tests do not compile; see the output above.");
    }

    /// <param name="filter">A `dotnet test --filter` expression, or null for every test of the project.</param>
    /// <param name="beside">Another run goes on meanwhile: this one's output is kept in &lt;project&gt;.log and printed
    /// when it ends (lines of two runs never interleave), and the fixtures' phases are the other run's.</param>
    public async Task<TestTotals> RunAsync(string project, IReadOnlyDictionary<string, string>? environment, CancellationToken ct, string? filter = null, bool beside = false)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        var trx = Path.Combine(resultsDirectory, name + ".trx");
        Directory.CreateDirectory(resultsDirectory);
        File.Delete(trx);

        string[] filtered = filter is null ? [] : ["--filter", filter];
        var log = beside ? Path.Combine(resultsDirectory, name + ".log") : null;
        Log.Information("dotnet test {Project}{Where}", project, log is null ? "" : $" (beside: its output when it ends, and in {Path.GetRelativePath(repositoryRoot, log)})");
        var (exit, output, _, _) = await ToolProcess.RunAsync("dotnet", [
            "test", project, "--nologo", "--no-build",
            "--logger", $"trx;LogFileName={name}.trx",
            "--logger", "console;verbosity=normal",
            "--results-directory", resultsDirectory,
            // A hung test host is stopped after 20 minutes (vstest's blame collector, which names the test), not at CI's limit.
            "--blame-hang-timeout", "20m", "--blame-hang-dump-type", "none",
            .. filtered], repositoryRoot, Timeout.InfiniteTimeSpan, ct, environment, onLine: log is null ? Console.Out.WriteLine : null);
        if (log is not null)
        {
            await File.WriteAllTextAsync(log, output, CancellationToken.None);
            Console.Out.Write(output);
        }

        if (!File.Exists(trx))
        {
            // The test host crashed before writing results: count the project as one failure.
            Log.Error("{Project}: no test results (exit code {Code}); see the output above", project, exit);
            return new TestTotals(0, 1, 0);
        }
        var recorded = TestTotals.FromTrx(trx);
        var totals = recorded.WithExit(exit);
        if (totals != recorded)
            Log.Error("{Project}: dotnet test exited {Code} with no failed test: the run was aborted before every test reported (a crash or a hang; see the output above)", project, exit);
        Log.Information("{Project}: {Line}", name, totals.ClosingLine);
        lock (times)
        {
            times.AddRange(TestTimes.FromTrx(trx));
            if (!beside)
                times.AddRange(TestTimes.FromFixtures(Path.Combine(resultsDirectory, TestTimes.FixturesFolder), name));
            File.WriteAllText(Path.Combine(resultsDirectory, "class-times.md"), TestTimes.Table(times));
            File.WriteAllText(Path.Combine(resultsDirectory, "slowest.txt"), TestTimes.Slowest(times));
            notPassed.AddRange(TestTotals.NotPassed(trx));
            File.WriteAllLines(Path.Combine(resultsDirectory, "not-passed.txt"),
                notPassed.Count == 0 ? [] : [$"Tests that did not pass ({notPassed.Count}; messages in the TRX files):", .. notPassed]);
        }
        return totals;
    }
}
