using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.RealFleet;

/// <summary>
/// TemplateTests of the repository's own fleet, over the real fleet's one run (<see cref="RealFleetFixture"/>, phase
/// "fleet": `./build.sh TemplateTests Smoke T4Conformance`): every template passes its own suite and the fleet's,
/// and the tests leave the shipped images as BuildImage made them.
/// </summary>
[Collection(RealFleetCollection.Name)]
public sealed class RealFleetTemplateTests(RealFleetFixture fx)
{
    static readonly string[] FleetSuites = ["base/tests/adapter", "base/tests/askpass", "base/tests/entrypoint"];

    [Fact]
    public void The_fleet_passes_TemplateTests_with_each_templates_own_tests_and_the_fleets()
    {
        fx.Phases.Require("fleet");
        Assert.Matches(@"TemplateTests\s+Succeeded\s+\S+\s+passed 4/4 templates, (\d+)/\1 tests", fx.Fleet.Output);
        foreach (var template in RealFleetFixture.Templates)
        {
            var result = fx.Results.Gate(Gates.TemplateTestGate.Gate, template);
            Assert.NotNull(result);
            Assert.All(result.Checks, c => Assert.True(c.Passed, $"{c.Id}: {c.Reason}"));
            var ids = result.Checks.Select(c => c.Id).ToList();
            Assert.Contains(ids, id => id.StartsWith($"{template}/tests/test_adapter.py::", StringComparison.Ordinal));
            Assert.All(FleetSuites, suite => Assert.Contains(ids, id => id.StartsWith(suite + "/", StringComparison.Ordinal)));
            // The test that fails when the Dockerfile stops copying the registry (the seeds' 38-hour red canary).
            Assert.Contains($"{template}/tests/test_adapter.py::test_the_image_ships_its_registry_beside_the_adapter", ids);

            var junit = System.Xml.Linq.XDocument.Load(Path.Combine(fx.Reports, Gates.TemplateTestGate.Gate, $"{template}.junit.xml"));
            Assert.Equal([$"{template}/tests", .. FleetSuites], junit.Descendants("testsuite").Select(s => s.Attribute("name")!.Value));
            Assert.Equal(ids.Count, junit.Descendants("testcase").Count());
        }
        Assert.Contains("codex/tests/test_auth_decide.py::test_decide", File.ReadAllText(Path.Combine(fx.Reports, $"{Gates.TemplateTestGate.Gate}.junit.xml")));
    }

    [Fact]
    public void The_shipped_image_is_the_same_with_and_without_the_test_run()
    {
        fx.Phases.Require("fleet");
        foreach (var template in RealFleetFixture.Templates)
        {
            // BuildImage recorded the image before TemplateTests ran; after the run every tag still names that image,
            // so the digest Publish would push is the one built without any test.
            var built = fx.Results.Build(template)?.ImageId;
            Assert.NotNull(built);
            Assert.True(fx.ImagesAfterTheRun.TryGetValue(template, out var after) && after.Length > 0, $"no tag of {template} after the run");
            // Not the runtime's tag (…:1.0.0): it floats, and other collections build that runtime on this engine
            // meanwhile; the tags of this run's inputs address and commit are this run's alone.
            var own = after.Where(t => !t.Tag.EndsWith(":" + RealFleetFixture.RuntimeVersion, StringComparison.Ordinal)).ToList();
            Assert.True(own.Count >= 2, $"{template}: tags {string.Join(", ", after.Select(t => t.Tag))}");
            Assert.All(own, t => Assert.Equal(built, t.Id));
        }
    }
}
