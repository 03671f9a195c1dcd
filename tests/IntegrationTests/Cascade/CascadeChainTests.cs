using TemplateFleet.Forges;
using TemplateFleet.IntegrationTests.SmallFleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using UnitTests.Forges;

namespace IntegrationTests.Cascade;

/// <summary>
/// The whole Cascade chain as the runtime's release pipeline triggers it, through ./build.sh on the small fleet
/// (<see cref="SmallFleetFixture"/>: its two cascade runs): a new runtime version reaches a real package index on
/// loopback a few seconds after the trigger; Cascade waits for it, builds with it, gates, pushes to a real htpasswd
/// registry, pins the digests and opens one pull request on the Gitea fake (backed by a real git repository; what
/// GitHub does differently is proven over the fakes by PinProposerTests). A template that fails a gate keeps its
/// old pin and stays out of the pull request; a re-run after the fix updates the same pull request instead of
/// opening a second; the branch differs from the base in pin files only; somebody else's pull request is untouched.
/// </summary>
[Collection(SmallFleetCollection.Name)]
public sealed class CascadeChainTests(SmallFleetFixture fx)
{
    const string Hermes = SmallFleetRepository.Hermes;
    const string Sidekick = SmallFleetRepository.Sidekick;

    [Fact]
    public void The_cascade_waits_until_the_index_serves_the_new_runtime()
    {
        fx.Phases.Require("cascade, first run");
        var output = fx.FirstCascade.Output;
        Assert.Contains($"{SmallFleetFixture.RuntimePackage} {SmallFleetFixture.Version} not on", output);            // it waited ...
        Assert.Contains($"{SmallFleetFixture.RuntimePackage} {SmallFleetFixture.Version} is served by", output);      // ... until the release landed
    }

    [Fact]
    public async Task A_template_failing_a_gate_keeps_its_old_pin_and_stays_out_of_the_one_pull_request()
    {
        fx.Phases.Require("cascade, first run");
        var run = fx.FirstCascade;
        Assert.True(run.Exit == 1, $"expected the failed sidekick gate to fail the build (exit 1)\n{run.Describe(80)}");
        Assert.Matches(@"Smoke\s+Failed", run.Output);
        Assert.Contains("published 1/2 templates", run.Output);

        var hermesPin = PinFile.Parse(fx.PinsAfterFirst[$"templates/{Hermes}/pin.json"], "hermes pin");
        Assert.Equal($"{fx.Registry.Address}/molecule-fleet/{Hermes}", hermesPin.Image);
        Assert.Equal(SmallFleetFixture.Version, hermesPin.RuntimeVersion?.ToString());
        Assert.Equal(await fx.ServedDigestAsync(Hermes), hermesPin.Digest);
        Assert.Equal(fx.OldSidekickPin, fx.PinsAfterFirst[$"templates/{Sidekick}/pin.json"]); // a failed template keeps its old pin

        var pull = fx.Forge.Fake.Pull(2); // #1 is somebody else's
        Assert.Equal($"Bump workspace runtime to {SmallFleetFixture.Version}", pull["title"]!.GetValue<string>());
        Assert.Equal(fx.Branch, pull["head"]!["ref"]!.GetValue<string>());
        Assert.Contains($"- {Sidekick}: ", pull["body"]!.GetValue<string>()); // kept, with its reason
        // The base this cascade built and published, and hermes FROM it; the failed template is not in the pull request.
        Assert.Equal(["templates/base/pin.json", $"templates/{Hermes}/pin.json"], fx.BranchDiffAfterFirst);
        Assert.Equal(PinFile.Parse(fx.PinsAfterFirst["templates/base/pin.json"], "base pin").Reference, hermesPin.Base!.Reference);
        Assert.Equal(fx.PinsAfterFirst[$"templates/{Hermes}/pin.json"], fx.BranchPinAfterFirst);
    }

    [Fact]
    public async Task A_rerun_after_the_fix_updates_the_same_pull_request_on_the_current_base()
    {
        fx.Phases.Require("cascade, second run");
        var run = fx.SecondCascade;
        run.AssertSucceeded(80);
        // hermes' inputs equal the pin the first run wrote: not built or pushed again, and its pin stays in the pull request.
        Assert.Contains("published 1/1 templates, 1 unchanged since their pins", run.Output);
        Assert.Equal(2, fx.Forge.Fake.Pulls.Count); // the same pull request, updated
        Assert.Equal("open", fx.Forge.Fake.Pull(2)["state"]!.GetValue<string>());
        var sidekick = PinFile.Read(fx.PinPath(Sidekick));
        Assert.Equal(SmallFleetFixture.Version, sidekick.RuntimeVersion?.ToString());
        Assert.Equal(await fx.ServedDigestAsync(Sidekick), sidekick.Digest);
        var head = fx.Forge.Fake.BranchSha(fx.Branch)!;
        Assert.Equal(["templates/base/pin.json", $"templates/{Hermes}/pin.json", $"templates/{Sidekick}/pin.json"], fx.Forge.Fake.BranchDiff(fx.Branch).Order());
        Assert.Equal(fx.MovedBase, fx.Forge.Fake.Git.ReadCommit(head).Parents.Single()); // on the current base
        Assert.Equal(File.ReadAllText(fx.PinPath(Sidekick)), fx.Forge.Fake.Git.ReadFile(head, $"templates/{Sidekick}/pin.json"));
        Assert.Contains("`sha256:aaaaaaaaaaaa…` → ", fx.Forge.Fake.Pull(2)["body"]!.GetValue<string>()); // sidekick: its old pin → the new one
    }

    [Fact]
    public void Neither_run_touches_somebody_elses_pull_request_leaks_a_secret_or_leaves_a_container()
    {
        fx.Phases.Require("cascade, first run", "cascade, second run");
        fx.Forge.AssertUnrelatedUntouched();
        Assert.All(fx.Forge.Fake.Requests, r => Assert.Equal($"token {fx.Forge.Fake.Tokens.Bot}", r.Authorization, ignoreCase: true));
        Assert.Empty(fx.LeftAfterFirst);
        Assert.Empty(fx.LeftAfterSecond);

        string[] secrets = [fx.Forge.Fake.Tokens.Bot, fx.Forge.Fake.Tokens.Actions, fx.Password];
        foreach (var run in new[] { fx.FirstCascade, fx.SecondCascade })
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, run.Output));
        foreach (var report in Directory.EnumerateFiles(Path.Combine(fx.Root, "output"), "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(report);
            Assert.False(secrets.Any(s => text.Contains(s, StringComparison.Ordinal)), $"a secret leaked into {report}");
        }
        foreach (var pull in fx.Forge.Fake.Pulls)
            Assert.False(secrets.Any(s => pull.ToJsonString().Contains(s, StringComparison.Ordinal)), "a secret leaked into a pull request");
    }
}
