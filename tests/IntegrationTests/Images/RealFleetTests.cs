using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>
/// The repository's own fleet: base + the four templates build and pass the post-build checks.
/// Slow (npm installs of three agent CLIs on a cold cache); FLEET_TEMPLATES_DIR points it at another
/// templates folder.
/// </summary>
[Trait("Category", "RealFleet")]
public sealed class RealFleetTests
{
    [Fact]
    public async Task Base_and_all_four_templates_build_and_hold_the_requested_runtime()
    {
        var templates = Environment.GetEnvironmentVariable("FLEET_TEMPLATES_DIR") is { Length: > 0 } dir ? dir : RepositoryRoot.Combine("templates");
        var config = TemplatesFolder.LoadFleet(templates);
        var output = RepositoryRoot.Combine("output", "tests", RunIds.New("real"));
        var engine = new EngineFixture();
        await engine.InitializeAsync();
        await using var index = await EmbeddedIndex.StartAsync(config, [], output, CancellationToken.None);
        var run = new FleetRun(RunIds.New(), config, TemplatesFolder.LoadTemplates(config))
        {
            RuntimeVersion = config.Runtime.Development.Versions[^1],
            PackageIndexUrl = index.SimpleUrl.ToString(),
            DevelopmentPackages = true,
        };
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await new FleetImageBuilder(engine.Docker).BuildFleetAsync(run, new ImageBuildOptions(RepositoryRoot.Path, Output: output), CancellationToken.None);
            // Figures for people (the test asserts below): where the time went.
            await File.WriteAllLinesAsync(Path.Combine(output, "summary.txt"),
            [
                $"total {clock.Elapsed.TotalSeconds:0.0} s, base {run.BaseImageId}",
                .. run.Templates.Select(t => $"{t.Name}: {t.Build} {t.BuildDuration.TotalSeconds:0.0} s {t.ImageId} {t.BuildFailure}"),
            ]);
            Assert.Equal(["claude-code", "codex", "hermes", "openclaw"], run.Templates.Select(t => t.Name));
            Assert.All(run.Templates, t => Assert.True(t.Build == StageStatus.Succeeded, t.BuildFailure));
        }
        finally
        {
            await engine.CleanupRunAsync(run.RunId);
            await engine.RemoveImagesAsync(run.Templates.SelectMany(t => t.Tags));
            await engine.DisposeAsync();
        }
    }
}
