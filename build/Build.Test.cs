using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Testing;

namespace TemplateFleet;

// The project's own tests: unit tests (no engine), then integration tests against a real engine, registry and
// package index. Set-up is part of the target, so `./build.sh Test` works on a fresh host.
internal sealed partial class Build
{
    Target Test => _ => _
        .Description("Run the unit tests, then the integration tests (starts a Docker engine when none answers)")
        .Executes(async () =>
        {
            var totals = TestTotals.Zero;
            var runner = new TestRunner(RootDirectory, Context.Paths.TestResults);
            try
            {
                totals += await runner.RunAsync("tests/UnitTests/UnitTests.csproj", environment: null, CancellationToken);
                await EngineProvisioner.EnsureAsync(Context.Engine, new EngineOptions(Context.Paths), CancellationToken);
                // The test process talks to the engine this build made sure of, told so explicitly.
                var engine = new Dictionary<string, string> { ["DOCKER_HOST"] = Context.Engine.Endpoint.ToString() };
                // Benchmarks measure, they do not test: scripts/benchmark-*.sh run them (README, Figures).
                totals += await runner.RunAsync("tests/IntegrationTests/IntegrationTests.csproj", engine, CancellationToken, filter: "Category!=Benchmark");
            }
            catch (FleetException e)
            {
                // Set-up failed (no engine, say): every integration test counts as not passed.
                Log.Error("{Message}", e.Message);
                totals += new TestTotals(0, 1, 0);
            }
            finally
            {
                File.WriteAllText(Path.Combine(Context.Paths.TestResults, "totals.txt"), totals.ClosingLine + Environment.NewLine);
                ReportSummary(_ => _.AddPair("tests", totals.ClosingLine));
            }
            if (totals.Failed + totals.Skipped > 0)
                throw new FleetException($"Tests: {totals.ClosingLine} (results: output/test-results/*.trx)");
        });
}
