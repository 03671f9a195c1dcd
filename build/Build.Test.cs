using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Testing;

namespace TemplateFleet;

// The project's own tests: unit tests (no engine) beside integration tests against a real engine, registry and
// package index. Set-up is part of the target, so `./build.sh Test` works on a fresh host.
internal sealed partial class Build
{
    Target Test => _ => _
        .Description("Run the unit tests and, beside them, the integration tests (starts a Docker engine when none answers)")
        .Executes(async () =>
        {
            var totals = TestTotals.Zero;
            var runner = new TestRunner(RootDirectory, Context.Paths.TestResults);
            var unit = Task.FromResult(TestTotals.Zero);
            // The engine is installed and started while the tests compile, and the unit tests, which need none, run
            // beside the integration tests, whose first minutes wait on the network (the OS image, tools) more than on
            // the two cores.
            var compiled = runner.BuildAsync("TemplateFleet.sln", CancellationToken);
            var engineReady = EngineProvisioner.EnsureAsync(Context.Engine, new EngineOptions(Context.Paths), CancellationToken);
            try
            {
                await compiled;
                unit = runner.RunAsync("tests/UnitTests/UnitTests.csproj", environment: null, CancellationToken, beside: true);
                await engineReady;
                // The test process talks to the engine this build made sure of, told so explicitly.
                var engine = new Dictionary<string, string> { ["DOCKER_HOST"] = Context.Engine.Endpoint.ToString() };
                // Benchmarks measure, they do not test: scripts/benchmark-*.sh run them (README, Figures).
                totals += await runner.RunAsync("tests/IntegrationTests/IntegrationTests.csproj", engine, CancellationToken, filter: "Category!=Benchmark");
            }
            catch (FleetException e)
            {
                // Set-up failed (the tests do not compile, no engine): what did not run counts as not passed.
                Log.Error("{Message}", e.Message);
                totals += new TestTotals(0, 1, 0);
            }
            finally
            {
                // Never leave the engine's install half done: a compile failure ends the run before it is awaited.
                await Task.WhenAny(engineReady);
                totals += await unit; // a unit run that left no totals counts itself as one failure
                File.WriteAllText(Path.Combine(Context.Paths.TestResults, "totals.txt"), totals.ClosingLine + Environment.NewLine);
                ReportSummary(_ => _.AddPair("tests", totals.ClosingLine));
            }
            if (totals.Failed + totals.Skipped > 0)
                throw new FleetException($"Tests: {totals.ClosingLine} (results: output/test-results/*.trx)");
        });
}
