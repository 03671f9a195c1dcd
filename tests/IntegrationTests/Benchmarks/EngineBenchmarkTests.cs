using System.Diagnostics;
using System.Globalization;
using System.Text;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// The measured half of scripts/benchmark-engines.sh: the fleet's warm no-op rebuild and T4Conformance of
/// the four real templates through ./build.sh, on the second engine (26.1.5, containerd store) and on the
/// first (20.10), in the same run. ENGINES_BENCH_RUNS repeats each command (median), ENGINES_BENCH_OUT receives
/// the figures. Category Benchmark: a measurement, not part of ./build.sh Test (what it relied on as a test is
/// proven there: reuse on the containerd store by SecondEngineTests over the small fleet, on 20.10 by
/// FleetImageBuilderTests; T4 of real templates on both stores by RealFleetTests and ReleaseWorkflowTests).
/// </summary>
[Collection(SecondEngineCollection.Name)]
[Trait("Category", "Benchmark")]
public sealed class EngineBenchmarkTests(SecondEngineFixture engine)
{
    static readonly Dictionary<string, string> NoEnvironment = [];
    static int Runs => int.TryParse(Environment.GetEnvironmentVariable("ENGINES_BENCH_RUNS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

    static async Task<TimeSpan> TimedAsync(string log, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var (exit, output) = await BuildScript.RunAsync(log, RepositoryRoot.Path, NoEnvironment, args);
        var elapsed = clock.Elapsed;
        Assert.True(exit == 0, $"./build.sh {string.Join(' ', args)} exited {exit}\n{BuildScript.Tail(output)}");
        return elapsed;
    }

    static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    /// <returns>(no-op rebuild, whole T4Conformance run, the T4 stage alone = the difference of the medians).</returns>
    static async Task<(TimeSpan Rebuild, TimeSpan T4Run, TimeSpan T4)> MeasureAsync(string name, string endpoint)
    {
        string[] common = ["--runtime-version", "1.0.0", "--docker-host", endpoint];
        var rebuilds = new List<TimeSpan>();
        var t4Runs = new List<TimeSpan>();
        // The embedded index prefers one port; while another test's build holds it, this build's index URL (a build arg,
        // so part of every template's inputs) is another one and nothing can be reused. Such a pair proves nothing about
        // reuse: warm up again until the warm-up and the rebuild ran against the same index URL.
        for (var attempt = 1; ; attempt++)
        {
            // Warm-up: builds what this engine's store lacks (cold only the first time, or after templates changed).
            await TimedAsync($"bench-engines.{name}.warm-up.log", ["BuildImage", "--parallelism", "1", .. common]);
            rebuilds.Clear();
            t4Runs.Clear();
            for (var i = 0; i < Runs; i++)
            {
                rebuilds.Add(await TimedAsync($"bench-engines.{name}.rebuild.log", ["BuildImage", "--parallelism", "1", .. common]));
                t4Runs.Add(await TimedAsync($"bench-engines.{name}.t4.log", ["T4Conformance", .. common]));
            }
            var (warm, rebuilt) = (await IndexUrlAsync($"bench-engines.{name}.warm-up.log"), await IndexUrlAsync($"bench-engines.{name}.rebuild.log"));
            if (warm == rebuilt)
                break;
            Assert.True(attempt < 4, $"{name}: in {attempt} attempts another build always held the embedded index's port (warm-up {warm}, rebuild {rebuilt})");
            Console.WriteLine($"{name}: the index moved from {warm} to {rebuilt} (its port was taken): warming up again");
        }
        var output = await File.ReadAllTextAsync(RepositoryRoot.Combine("output", "tests", $"bench-engines.{name}.rebuild.log"));
        // A no-op: every image reused by its inputs' address, none built.
        Assert.Equal(5, output.Split('\n').Count(l => l.Contains("Inputs unchanged", StringComparison.Ordinal)));
        Assert.Contains("passed 4/4 templates", await File.ReadAllTextAsync(RepositoryRoot.Combine("output", "tests", $"bench-engines.{name}.t4.log")));
        var (rebuild, t4Run) = (Median(rebuilds), Median(t4Runs));
        return (rebuild, t4Run, t4Run - rebuild);
    }

    static async Task<string> IndexUrlAsync(string log)
    {
        var text = await File.ReadAllTextAsync(RepositoryRoot.Combine("output", "tests", log));
        var match = System.Text.RegularExpressions.Regex.Match(text, "Embedded package index \\(DEVELOPMENT packages\\) at \"([^\"]+)\"");
        Assert.True(match.Success, $"output/tests/{log} names no embedded index");
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task The_fleets_no_op_rebuild_and_T4Conformance_on_the_containerd_store_and_on_20_10()
    {
        var second = await MeasureAsync("second", engine.Endpoint.ToString());
        var first = await MeasureAsync("first", engine.First.Endpoint.ToString());

        var figures = new StringBuilder();
        void Figure(string name, TimeSpan t) => figures.Append(CultureInfo.InvariantCulture, $"{name}={t.TotalSeconds:0.00}\n");
        Figure("second_noop_rebuild_s", second.Rebuild);
        Figure("first_noop_rebuild_s", first.Rebuild);
        Figure("second_t4_run_s", second.T4Run);
        Figure("first_t4_run_s", first.T4Run);
        Figure("second_t4_stage_s", second.T4);
        Figure("first_t4_stage_s", first.T4);
        figures.Append(CultureInfo.InvariantCulture, $"noop_rebuild_ratio={second.Rebuild / first.Rebuild:0.00}\n");
        figures.Append(CultureInfo.InvariantCulture, $"t4_run_ratio={second.T4Run / first.T4Run:0.00}\n");
        figures.Append(CultureInfo.InvariantCulture, $"t4_stage_ratio={second.T4 / first.T4:0.00}\nruns={Runs}\nseeding_s={engine.Seeding.TotalSeconds:0.00}\n");
        Console.WriteLine(figures);
        if (Environment.GetEnvironmentVariable("ENGINES_BENCH_OUT") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "engines.env"), figures.ToString());
        }
    }
}
