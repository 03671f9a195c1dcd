using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Release;
using TemplateFleet.KeepCurrent;
using TemplateFleet.Pins;
using static TemplateFleet.IntegrationTests.SmallFleet.SmallFleetRepository;

namespace TemplateFleet.IntegrationTests.SmallFleet;

/// <summary>
/// The generated bump workflow's three jobs run together (phase "bump workflow" of <see cref="SmallFleetFixture"/>):
/// an agent bump of hermes from the pins the cascade left, dispatched as the watch does.
/// </summary>
[Collection(SmallFleetCollection.Name)]
public sealed class BumpWorkflowTests(SmallFleetFixture fx)
{
    const string BasePin = "templates/base/pin.json";
    static readonly string HermesPin = $"templates/{Hermes}/pin.json";

    Pin PinBefore(string path) => PinFile.Parse(fx.PinsBeforeBump[path], path);

    [Fact]
    public void The_base_job_builds_no_base_and_hands_on_the_pinned_base_and_runtime()
    {
        fx.Phases.Require("bump workflow");
        var job = fx.BumpRun.Job("base");
        Assert.True(job.Conclusion == JobConclusion.Success, $"{job}\n{job.Output}");
        var pinned = PinBefore(BasePin);
        Assert.Contains(pinned.Digest, job.Outputs["base_image"]);
        Assert.Equal(SmallFleetFixture.Version, job.Outputs["runtime_version"]);
        Assert.Contains($"skipped: {Hermes} {SmallFleetFixture.AgentVersionBefore} → {SmallFleetFixture.AgentVersion} builds FROM the pinned base", job.Output);
        Assert.Matches(@"BuildBase\s+Skipped", job.Output);
        Assert.Matches(@"PublishBase\s+Skipped", job.Output);
        // Its artifact: the data and the lock it wrote, which the other jobs apply.
        Assert.True(File.Exists(Path.Combine(fx.BumpRun.Artifacts, "base-bump", "templates", Hermes, "template.yaml")), fx.BumpRun.ToString());
    }

    [Fact]
    public void The_hermes_job_builds_FROM_the_pinned_base_and_publishes_while_sidekick_is_not_reached()
    {
        fx.Phases.Require("bump workflow");
        var hermes = fx.BumpRun.Job("templates", Hermes);
        Assert.True(hermes.Conclusion == JobConclusion.Success, $"{hermes}\n{hermes.Output}");
        var pin = PinFile.Parse(fx.BumpBranchFiles[HermesPin]!, "the bump branch's hermes pin");
        Assert.Equal(PinBefore(BasePin).Reference, pin.Base!.Reference);
        Assert.NotEqual(PinBefore(HermesPin).Digest, pin.Digest);
        Assert.Equal(SmallFleetFixture.Version, pin.RuntimeVersion?.ToString());
        Assert.Equal(fx.HermesDigestServedAfterBump, pin.Digest);

        var sidekick = fx.BumpRun.Job("templates", Sidekick);
        Assert.True(sidekick.Conclusion == JobConclusion.Success, $"{sidekick}\n{sidekick.Output}");
        Assert.Contains($"does not reach {Sidekick}", sidekick.Output);
    }

    [Fact]
    public void The_pins_job_opens_one_pull_request_with_hermes_data_lock_and_pin_naming_the_move()
    {
        fx.Phases.Require("bump workflow");
        var job = fx.BumpRun.Job("pins");
        Assert.True(job.Conclusion == JobConclusion.Success, $"{job}\n{job.Output}");
        // The one pull request besides somebody else's (the fake's #1).
        var pull = Assert.Single(fx.BumpPulls, p => p["head"]!["ref"]!.GetValue<string>() != UnitTests.Forges.GitBackedForge.UnrelatedBranch);
        Assert.Equal(fx.BumpBranch, pull["head"]!["ref"]!.GetValue<string>());
        Assert.Contains($"{Hermes} {SmallFleetFixture.AgentVersionBefore} → {SmallFleetFixture.AgentVersion}", pull["body"]!.GetValue<string>());

        var config = FleetLoader.LoadFleet(fx.BumpRepository);
        var locks = AgentLock.RepositoryFilesOf(FleetLoader.LoadTemplate(config, Hermes));
        Assert.Equal([.. locks.Append($"templates/{Hermes}/template.yaml").Append(HermesPin).Order(StringComparer.Ordinal)], fx.BumpBranchDiff);
        Assert.Contains($"version: {SmallFleetFixture.AgentVersion}", fx.BumpBranchFiles[$"templates/{Hermes}/template.yaml"]);
        Assert.All(locks, l => Assert.Contains(SmallFleetFixture.AgentVersion, fx.BumpBranchFiles[l]));
    }

    [Fact]
    public void No_secret_reaches_a_job_log_or_an_artifact()
    {
        fx.Phases.Require("bump workflow");
        var files = fx.BumpRun.Jobs.Select(j => j.Log).Where(File.Exists)
            .Concat(Directory.EnumerateFiles(fx.BumpRun.Artifacts, "*", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var secret in fx.BumpSecrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds a secret of the run");
        }
    }
}
