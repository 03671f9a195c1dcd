using TemplateFleet.IntegrationTests.Support;

namespace IntegrationTests.TemplateTests;

/// <summary>
/// "The fleet passes TemplateTests": the repository's own fleet, as a user runs it. The assertion is a method on a
/// build's output and results (<see cref="FleetTemplateTestsOutcome.AssertPassed"/>), so a shared real-fleet
/// fixture that runs <c>./build.sh TemplateTests Smoke T4Conformance</c> once can call it instead of this run.
/// </summary>
[Trait("Category", "RealFleet")]
public sealed class RealFleetTemplateTests : IDisposable
{
    readonly string scratch = Directory.CreateTempSubdirectory("template-tests-fleet-").FullName;
    // A copy, so no other build of the checkout clears its results under the assertions; under the repository's
    // folder name, so the base's source label, and with it every cached layer above it, stay those of the real fleet.
    string Root => Path.Combine(scratch, Path.GetFileName(RepositoryRoot.Path));

    public RealFleetTemplateTests() => UnitTests.TreeCopy.Repository(RepositoryRoot.Path, Root);

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task The_real_fleet_passes_TemplateTests()
    {
        var (exit, output) = await BuildScript.RunAsync("real-fleet-template-tests.log", Root, new Dictionary<string, string>(),
            "--root", Root, "TemplateTests", "--runtime-version", "1.0.0");
        Assert.True(exit == 0, $"./build.sh TemplateTests exited {exit}; log: output/tests/real-fleet-template-tests.log\n{BuildScript.Tail(output)}");
        FleetTemplateTestsOutcome.AssertPassed(output, Root);
    }
}

/// <summary>What a build that ran TemplateTests over the real fleet must show: every template passed its own suite
/// and the fleet's, each test recorded (results, JUnit per template, the gate's reports).</summary>
public static class FleetTemplateTestsOutcome
{
    static readonly string[] Fleet = ["claude-code", "codex", "hermes", "openclaw"];
    static readonly string[] FleetSuites = ["base/tests/adapter", "base/tests/askpass", "base/tests/entrypoint"];

    public static void AssertPassed(string output, string repositoryRoot)
    {
        Assert.Matches(@"TemplateTests\s+Succeeded\s+\S+\s+passed 4/4 templates, (\d+)/\1 tests", output);
        foreach (var template in Fleet)
        {
            var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "output", "results", "template-tests", $"{template}.json")));
            var checks = result.RootElement.GetProperty("checks").EnumerateArray().ToList();
            Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.GetProperty("id").GetString()));
            var ids = checks.Select(c => c.GetProperty("id").GetString()!).ToList();
            // Its own tests, and every fleet suite, ran in its image.
            Assert.Contains(ids, id => id.StartsWith($"{template}/tests/test_adapter.py::", StringComparison.Ordinal));
            Assert.All(FleetSuites, suite => Assert.Contains(ids, id => id.StartsWith(suite + "/", StringComparison.Ordinal)));
            Assert.Contains($"{template}/tests/test_adapter.py::test_the_image_ships_its_registry_beside_the_adapter", ids);

            var junit = System.Xml.Linq.XDocument.Load(Path.Combine(repositoryRoot, "output", "reports", "template-tests", $"{template}.junit.xml"));
            Assert.Equal([$"{template}/tests", .. FleetSuites], junit.Descendants("testsuite").Select(s => s.Attribute("name")!.Value));
            Assert.Equal(ids.Count, junit.Descendants("testcase").Count());
        }
        Assert.Contains("codex/tests/test_auth_decide.py::test_decide", File.ReadAllText(Path.Combine(repositoryRoot, "output", "reports", "template-tests.junit.xml")));
    }
}
