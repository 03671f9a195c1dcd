using System.Diagnostics;
using System.Globalization;
using System.Text;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Results;

namespace IntegrationTests.Gates;

/// <summary>
/// The measured half of scripts/benchmark-gates.sh (which adds the docker-CLI baseline). With no
/// GATES_BENCH_IMAGES it measures the healthy fixture. GATES_BENCH_OUT receives the figures and the probes.
/// Category Benchmark: a measurement, not part of ./build.sh Test (T4 on a ready image passing and removing its
/// container is proven there by T4GateTests).
/// </summary>
[Collection(EngineCollection.Name)]
[Trait("Category", "Benchmark")]
public sealed class GateBenchmarkTests
{
    [Fact]
    public async Task T4_on_one_image_and_on_a_fleet_of_four()
    {
        TestLogging.Enable();
        var images = (Environment.GetEnvironmentVariable("GATES_BENCH_IMAGES") ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (images.Count == 0)
            images.Add(await FixtureImages.GetAsync(FixtureImages.Healthy));
        var fleetImages = Enumerable.Range(0, 4).Select(i => images[i % images.Count]).ToList();
        var contract = ContractLoader.Load(Path.Combine(RepositoryRoot.Path, "templates", "t4-contract.yaml"));
        var options = new GateOptions { Parallelism = 4 };

        // One run id for all passes, so the engine's shape is resolved once (the first, "cold" pass).
        var single = TestRuns.Run([(TestRuns.Template("bench-0"), images[0])]);
        var cold = await Timed(() => T4Gate.RunAsync(single.Context, single.Run, single.Results, contract, options, CancellationToken.None));
        single.Rerun();
        var warm = await Timed(() => T4Gate.RunAsync(single.Context, single.Run, single.Results, contract, options, CancellationToken.None));
        var perImage = single["bench-0"].T4!;

        var fleet = TestRuns.Run(fleetImages.Select((img, i) => (TestRuns.Template($"bench-{i}"), img)).ToList());
        var fleetCold = await Timed(() => T4Gate.RunAsync(fleet.Context, fleet.Run, fleet.Results, contract, options, CancellationToken.None));
        fleet.Rerun();
        var fleetWarm = await Timed(() => T4Gate.RunAsync(fleet.Context, fleet.Run, fleet.Results, contract, options, CancellationToken.None));

        Assert.True(perImage.Passed, string.Join("; ", perImage.Checks.Where(c => !c.Passed).Select(c => $"{c.Id}: {c.Reason}")));
        Assert.Equal(contract.Capabilities.Count, perImage.Checks.Count);
        Assert.All(fleet.Templates, t => Assert.True(t.T4!.Passed));
        Assert.Equal("", await TestRuns.ContainersOf(single.RunId));
        Assert.Equal("", await TestRuns.ContainersOf(fleet.RunId));

        var figures = new StringBuilder();
        void Figure(string name, TimeSpan t) => figures.Append(CultureInfo.InvariantCulture, $"{name}={t.TotalSeconds:0.00}\n");
        Figure("csharp_single_cold_s", cold);
        Figure("csharp_single_warm_s", warm);
        Figure("csharp_single_probes_s", TimeSpan.FromTicks(perImage.Checks.Sum(c => c.Duration.Ticks)));
        Figure("csharp_fleet4_cold_s", fleetCold);
        Figure("csharp_fleet4_warm_s", fleetWarm);
        figures.Append(CultureInfo.InvariantCulture, $"shape={perImage.Shape}\nmissing={string.Join(",", perImage.MissingCapabilities)}\n");
        Console.WriteLine(figures);

        if (Environment.GetEnvironmentVariable("GATES_BENCH_OUT") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "csharp.env"), figures.ToString());
            // NUL-separated "user\0script\0" pairs: the shell baseline runs exactly the same probes.
            File.WriteAllText(Path.Combine(dir, "probes.bin"),
                string.Concat(contract.Capabilities.Select(c => $"{CheckUsers.ExecUser(c.User)}\0{c.Probe}\0")));
            File.WriteAllText(Path.Combine(dir, "docker-run-flags"), string.Join('\n', perImage.MissingCapabilities.Count == 0 && perImage.Shape == "privileged"
                ? ["--privileged"]
                : new[] { "--cap-add", "ALL" }.Concat(perImage.MissingCapabilities.SelectMany(m => new[] { "--cap-drop", m }))
                    .Concat(["--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined"])) + "\n");
        }
    }

    static async Task<TimeSpan> Timed(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }
}
