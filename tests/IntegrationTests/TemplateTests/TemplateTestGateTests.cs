using Docker.DotNet.Models;
using IntegrationTests.Gates;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Publishing;
using TemplateFleet.Results;
using static IntegrationTests.TemplateTests.TemplateTestsFixture;
using PublishStatus = TemplateFleet.Results.PublishStatus;

namespace IntegrationTests.TemplateTests;

/// <summary>
/// TemplateTests over small fixture templates on the real engine: a template whose Dockerfile stops copying its
/// registry and one whose adapter has a bug each fail it, named with the failing test; Publish then refuses them
/// without pushing; the shipped image is the same before and after the test run and after a test-only edit. Facts over
/// <see cref="TemplateTestsFixture"/>'s phases.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class TemplateTestGateTests(TemplateTestsFixture fleet) : IClassFixture<TemplateTestsFixture>
{
    const string RegistryTest = "tests/test_adapter.py::test_the_registry_is_the_one_shipped_beside_the_adapter";
    const string RenderTest = "tests/test_adapter.py::test_the_rendered_config_reads_back";

    [Fact]
    public void The_healthy_template_passes_every_test_as_agent_without_network()
    {
        fleet.Phases.Require("template tests");
        var healthy = fleet.Tested(Healthy)!;
        Assert.True(healthy.Passed, string.Join("\n", healthy.Checks.Where(c => !c.Passed).Select(c => $"{c.Id}: {c.Reason}\n{c.Stderr}")));
        Assert.Equal(4, healthy.Checks.Count);
        Assert.Equal(TemplateTestGate.Shape, healthy.Shape);
        Assert.All(healthy.Checks, c => Assert.EndsWith(" as agent", c.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void A_template_that_stops_copying_its_registry_fails_naming_the_template_and_the_test()
    {
        fleet.Phases.Require("template tests");
        var failed = Assert.Single(fleet.Tested(NoConfig)!.Checks, c => !c.Passed);
        Assert.Equal($"{NoConfig}/{RegistryTest}", failed.Id);
        Assert.StartsWith("AssertionError: the registry came from built-in defaults", failed.Reason);
        Assert.Equal("registry from built-in defaults", failed.Stdout);                 // what the test printed
        Assert.Contains("assert source == \"/app/config.json\"", failed.Stderr);       // the traceback's line
        Assert.Contains($"  {NoConfig}: failed {NoConfig}/{RegistryTest}", fleet.Failure!.Message);
    }

    [Fact]
    public void A_template_whose_adapter_test_fails_fails_naming_the_template_and_the_test()
    {
        fleet.Phases.Require("template tests");
        var failed = Assert.Single(fleet.Tested(BrokenAdapter)!.Checks, c => !c.Passed);
        Assert.Equal($"{BrokenAdapter}/{RenderTest}", failed.Id);
        Assert.Contains("'M-2'", failed.Reason);
        Assert.Contains($"  {BrokenAdapter}: failed {BrokenAdapter}/{RenderTest}", fleet.Failure!.Message);
        Assert.StartsWith("TemplateTests failed for 2 of 3 template(s)", fleet.Failure.Message);
    }

    [Fact]
    public void Publish_does_not_run_for_a_template_that_failed_its_tests()
    {
        fleet.Phases.Require("publish");
        var published = fleet.Published;
        var byName = published.ToDictionary(p => p.Template);
        Assert.Equal((PublishStatus.NotPublished, $"TemplateTests failed: {NoConfig}/{RegistryTest}"), (byName[NoConfig].Status, byName[NoConfig].Reason));
        Assert.Equal((PublishStatus.NotPublished, $"TemplateTests failed: {BrokenAdapter}/{RenderTest}"), (byName[BrokenAdapter].Status, byName[BrokenAdapter].Reason));
        // The healthy one passed TemplateTests; it stops at the next gate it has not passed here.
        Assert.Equal("Smoke did not run", byName[Healthy].Reason);
        Assert.All(published, p => Assert.Empty(p.Tags));
    }

    [Fact]
    public async Task The_run_leaves_no_container_and_reports_pytests_junit_per_template()
    {
        fleet.Phases.Require("template tests");
        Assert.Equal("", await TestRuns.ContainersOf(fleet.Context.RunId));
        foreach (var template in fleet.Run.Templates)
        {
            var junit = System.Xml.Linq.XDocument.Load(Path.Combine(fleet.Output, "reports", TemplateTestGate.Gate, $"{template.Name}.junit.xml"));
            Assert.Equal($"{template.Name}/tests", junit.Descendants("testsuite").Single().Attribute("name")!.Value);
            Assert.Equal(4, junit.Descendants("testcase").Count());
        }
        var merged = System.Xml.Linq.XDocument.Load(Path.Combine(fleet.Output, "reports", $"{TemplateTestGate.Gate}.junit.xml"));
        Assert.Equal(2, merged.Descendants("failure").Count());
        Assert.Contains("- checks: 4/4 passed", await File.ReadAllTextAsync(Path.Combine(fleet.Output, "reports", $"{TemplateTestGate.Gate}.md")));
    }

    [Fact]
    public async Task The_shipped_image_is_the_same_with_and_without_the_test_run_and_after_a_test_only_edit()
    {
        fleet.Phases.Require("template tests", "test-only edit");
        var docker = TestEngine.Engine.Client;
        foreach (var (template, before) in fleet.ImagesBefore)
        {
            // The tests ran in containers: the image the build made is untouched, under every tag it got.
            var build = fleet.Results.Build(template)!;
            Assert.Equal(before, build.ImageId);
            foreach (var tag in build.Tags)
                Assert.Equal(before, (await docker.Images.InspectImageAsync(tag)).ID);
        }

        var rebuilt = fleet.AfterTheEdit;
        Assert.Equal(fleet.InputsBeforeTheEdit, rebuilt.Build(Healthy)!.Inputs);               // the pin's content address
        Assert.Equal(fleet.ImagesBefore[Healthy], rebuilt.Build(Healthy)!.ImageId);  // the image, so its digest
        Assert.Contains("Inputs unchanged", await File.ReadAllTextAsync(Path.Combine(fleet.Output, "logs", $"{Healthy}.build.log")));
        var image = await docker.Images.InspectImageAsync(fleet.ImagesBefore[Healthy]);
        Assert.DoesNotContain(image.Config?.Env ?? [], e => e.Contains("fleet-test", StringComparison.Ordinal));
        await AssertNoTestFilesInAsync(fleet.ImagesBefore[Healthy]);
    }

    /// <summary>Neither the tests nor the tooling are anywhere in the image's filesystem.</summary>
    static async Task AssertNoTestFilesInAsync(string imageId)
    {
        var docker = TestEngine.Engine.Client;
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = imageId,
            Labels = GateLabels.For(RunIds.New("tt-image"), "tt-image", "probe"),
            Entrypoint = ["sh"],
            Cmd = ["-c", "ls /opt/fleet-tests /opt/fleet-test-tools /app/tests 2>&1; python3 -c 'import pytest' 2>&1; true"],
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            await docker.Containers.WaitContainerAsync(created.ID);
            using var logs = await docker.Containers.GetContainerLogsAsync(created.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
            var said = stdout + stderr;
            Assert.Contains("/opt/fleet-tests': No such file or directory", said);
            Assert.Contains("/opt/fleet-test-tools': No such file or directory", said);
            Assert.Contains("/app/tests': No such file or directory", said);
            Assert.Contains("No module named 'pytest'", said);
        }
        finally
        {
            await new ContainerReaper(docker).RemoveAsync(created.ID, CancellationToken.None);
        }
    }
}
