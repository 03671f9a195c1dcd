using System.Diagnostics;
using System.Globalization;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>
/// The release figures (scripts/benchmark-release.sh, README "Figures"): a template job on a fresh engine that pulls
/// the published base ÷ the same job building the base itself (what every template job did before); publishing the
/// fleet through the jobs, one after the other on one machine ÷ ./build.sh Publish in one process. RELEASE_BENCH_OUT,
/// when set, receives the figures. Each measurement checks what it measured (the jobs succeeded, the same work was done).
/// Category Benchmark: not part of ./build.sh Test (a cold base build on a fresh engine is minutes of CI for a figure);
/// the benchmark script runs it.
/// </summary>
[Collection(ReleaseRunnersCollection.Name)]
[Trait("Category", "Benchmark")]
public sealed class ReleaseBenchmarkTests(ReleaseRunners fx)
{
    [Fact]
    public async Task A_template_job_that_pulls_the_published_base_beats_the_same_job_building_it()
    {
        var ct = CancellationToken.None;
        var repository = await fx.NewRepositoryAsync("bench-base");
        var state = RepositoryRoot.Combine("output", "release-engine-bench");
        var engine = await ReleaseRunners.FreshEngineAsync(state);
        try
        {
            var a = new WorkflowRunner("A", fx.EndpointA);
            var fresh = new WorkflowRunner("fresh", engine.Endpoint);
            var harness = fx.Harness(repository, Path.Combine(fx.Scratch, "bench-base-runs"), (job, _) => job == "base" ? a : fresh);
            var run = new WorkflowRunResult("published", Path.Combine(fx.Scratch, "bench-base-runs", "published", "artifacts"));
            await harness.RunJobAsync(run, "base", ct);
            Assert.True(run.Job("base").Conclusion == JobConclusion.Success, run.Job("base").Output);

            await harness.RunJobAsync(run, "templates", ct, only: ["hermes"]);
            var pulled = run.Job("templates", "hermes");
            Assert.True(pulled.Conclusion == JobConclusion.Success, BuildScript.Tail(pulled.Output));
            Assert.Contains("from --base-image: nothing built", pulled.Output);

            // The same job on another fresh engine, without the base job's output: it builds its own base, OS and all.
            await engine.StopAsync();
            engine = await ReleaseRunners.FreshEngineAsync(state);
            var own = new WorkflowRunResult("own-base", Path.Combine(fx.Scratch, "bench-base-runs", "own-base", "artifacts"));
            own.Add(new JobRun("base", null, JobConclusion.Success, new Dictionary<string, string> { ["runtime_version"] = "1.0.0" }, "", "", null, TimeSpan.Zero));
            await harness.RunJobAsync(own, "templates", ct, only: ["hermes"]);
            var built = own.Job("templates", "hermes");
            Assert.True(built.Conclusion == JobConclusion.Success, BuildScript.Tail(built.Output));
            Assert.Contains("bootstrapping Debian", built.Output);

            Figure("template_job_pulling_base_s", pulled.Duration);
            Figure("template_job_building_base_s", built.Duration);
            Figure("template_job_pull_over_build", pulled.Duration / built.Duration);
            Assert.True(pulled.Duration < built.Duration, $"pulling the published base took {pulled.Duration}, building it {built.Duration}");
        }
        finally
        {
            await engine.StopAsync();
        }
    }

    [Fact]
    public async Task Publishing_the_fleet_through_the_jobs_against_one_process()
    {
        var ct = CancellationToken.None;
        var a = new WorkflowRunner("A", fx.EndpointA);

        // The jobs, one after the other on A, into an empty registry.
        var jobsRegistry = await fx.NewRegistryAsync("bench-jobs-registry");
        var repository = await fx.NewRepositoryAsync("bench-jobs");
        var harness = fx.Harness(repository, Path.Combine(fx.Scratch, "bench-jobs-runs"), (_, _) => a, jobsRegistry.Address);
        var clock = Stopwatch.StartNew();
        var run = await harness.RunAsync("jobs", ct);
        var jobs = clock.Elapsed;
        await jobsRegistry.StopAsync();
        Assert.All(run.Jobs, j => Assert.True(j.Conclusion == JobConclusion.Success, $"{j}\n{BuildScript.Tail(j.Output)}"));
        Assert.All(run.Instances("templates"), j => Assert.Contains($"{j.Matrix}: published ", j.Output));

        // ./build.sh Publish in one process, in a clone of the same revision, into another empty registry.
        var oneRegistry = await fx.NewRegistryAsync("bench-one-registry");
        var one = Path.Combine(fx.Scratch, "bench-one", Path.GetFileName(repository));
        Directory.CreateDirectory(Path.GetDirectoryName(one)!);
        await Git.RunAsync(Path.GetDirectoryName(one)!, "clone", "--quiet", repository, one);
        await RepositoryCopy.SupplyChainToolsAsync(); // in the tests' cache, as the jobs have them
        clock.Restart();
        var (exit, output) = await BuildScript.RunAsync("bench-publish-one-process.log", one,
            new Dictionary<string, string>(fx.SigningSecrets) { ["REGISTRY"] = oneRegistry.Address, ["REGISTRY_USERNAME"] = ReleaseRunners.RegistryUser, ["REGISTRY_PASSWORD"] = fx.RegistryPassword },
            "Publish");
        var process = clock.Elapsed;
        await oneRegistry.StopAsync();
        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.Contains("published 4/4 templates", output);

        Figure("publish_through_jobs_s", jobs);
        Figure("publish_one_process_s", process);
        Figure("publish_jobs_over_one_process", jobs / process);
        Figure("publish_jobs_each_s", run.Jobs.Select(j => (j.Name, j.Duration)));
    }

    static void Figure(string name, TimeSpan value) => Figure(name, value.TotalSeconds);

    static void Figure(string name, double value) => Write($"{name}={value.ToString("0.00", CultureInfo.InvariantCulture)}");

    static void Figure(string name, IEnumerable<(string Job, TimeSpan Duration)> values) =>
        Write($"{name}={string.Join(",", values.Select(v => $"{v.Job.Replace(' ', '_')}:{v.Duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}"))}");

    static void Write(string line)
    {
        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("RELEASE_BENCH_OUT") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.AppendAllText(Path.Combine(dir, "release.env"), line + "\n");
        }
    }
}
