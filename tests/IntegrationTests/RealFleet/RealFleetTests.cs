using System.Xml.Linq;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.RealFleet;

/// <summary>
/// The repository's own fleet through the README's main command, as a user runs it (phase "fleet" of
/// <see cref="RealFleetFixture"/>): base + the four real templates build, hold the requested runtime, pass Smoke,
/// and pass all ten T4 capabilities in the shape this engine can grant (declared in the reports).
/// </summary>
[Collection(RealFleetCollection.Name)]
public sealed class RealFleetTests(RealFleetFixture fx)
{
    [Fact]
    public void The_main_job_builds_the_base_and_four_templates_and_passes_both_gates()
    {
        fx.Phases.Require("fleet");
        fx.Fleet.AssertSucceeded();
        Assert.Matches(@"BuildImage\s+Succeeded", fx.Fleet.Output);
        Assert.Matches(@"Smoke\s+Succeeded.*passed 4/4 templates", fx.Fleet.Output);
        Assert.Matches(@"T4Conformance\s+Succeeded.*passed 4/4 templates", fx.Fleet.Output);
        // Every image was checked for the requested runtime after its build (BuildImage fails one that lacks it).
        Assert.All(RealFleetFixture.Templates, t => Assert.Equal(Results.BuildStatus.Built, fx.Results.Build(t)?.Status));
    }

    [Fact]
    public void The_T4_report_has_ten_passed_capabilities_per_template_and_states_the_shape_that_ran()
    {
        fx.Phases.Require("fleet");
        var t4 = XDocument.Load(Path.Combine(fx.Reports, "t4.junit.xml"));
        var suites = t4.Descendants("testsuite").ToList();
        Assert.Equal(RealFleetFixture.Templates.Select(t => "t4." + t), suites.Select(s => (string)s.Attribute("name")!).Order());
        foreach (var suite in suites)
        {
            Assert.Equal(10, suite.Elements("testcase").Count());
            Assert.Equal("0", (string)suite.Attribute("failures")!);
            Assert.Equal("0", (string)suite.Attribute("errors")!);
            // The shape that ran is always stated; on engines without every capability, with what was missing.
            var shape = suite.Descendants("property").Single(p => (string)p.Attribute("name")! == "shape");
            Assert.False(string.IsNullOrEmpty((string)shape.Attribute("value")!));
        }
    }

    [Fact]
    public void The_Smoke_report_has_a_passed_suite_per_template_with_its_cli_version_check()
    {
        fx.Phases.Require("fleet");
        var smoke = XDocument.Load(Path.Combine(fx.Reports, "smoke.junit.xml"));
        Assert.Equal(4, smoke.Descendants("testsuite").Count());
        Assert.Empty(smoke.Descendants("failure"));
        Assert.Contains(smoke.Descendants("testcase"), c => ((string)c.Attribute("name")!).EndsWith("cli-version", StringComparison.Ordinal));
    }
}
