using System.Xml.Linq;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>
/// The repository's own fleet through the README's main command, as a user runs it: base + the four real
/// templates build, hold the requested runtime, pass Smoke, and pass all ten T4 capabilities in the shape
/// this engine can grant (declared in the reports). Slow on a cold cache (debootstrap, Node, three npm CLIs).
/// </summary>
[Trait("Category", "RealFleet")]
public sealed class RealFleetTests
{
    static readonly string[] Fleet = ["claude-code", "codex", "hermes", "openclaw"];

    [Fact]
    public async Task The_main_job_builds_and_gates_the_real_fleet()
    {
        var (exit, output) = await BuildScript.RunAsync("real-fleet.log", RepositoryRoot.Path, new Dictionary<string, string>(),
            "Smoke", "T4Conformance", "--runtime-version", "1.0.0");
        Assert.True(exit == 0, $"./build.sh Smoke T4Conformance exited {exit}; log: output/tests/real-fleet.log\n{BuildScript.Tail(output)}");

        Assert.Matches(@"BuildImage\s+Succeeded", output);
        Assert.Contains("passed 4/4 templates", output);

        var t4 = XDocument.Load(RepositoryRoot.Combine("output", "reports", "t4.junit.xml"));
        var suites = t4.Descendants("testsuite").ToList();
        Assert.Equal(Fleet.Select(t => "t4." + t), suites.Select(s => (string)s.Attribute("name")!).Order());
        foreach (var suite in suites)
        {
            Assert.Equal(10, suite.Elements("testcase").Count());
            Assert.Equal("0", (string)suite.Attribute("failures")!);
            Assert.Equal("0", (string)suite.Attribute("errors")!);
            // The shape that ran is always stated; on engines without every capability, with what was missing.
            var shape = suite.Descendants("property").Single(p => (string)p.Attribute("name")! == "shape");
            Assert.False(string.IsNullOrEmpty((string)shape.Attribute("value")!));
        }

        var smoke = XDocument.Load(RepositoryRoot.Combine("output", "reports", "smoke.junit.xml"));
        Assert.Equal(4, smoke.Descendants("testsuite").Count());
        Assert.Empty(smoke.Descendants("failure"));
        Assert.Contains(smoke.Descendants("testcase"), c => ((string)c.Attribute("name")!).EndsWith("cli-version", StringComparison.Ordinal));
    }

}
