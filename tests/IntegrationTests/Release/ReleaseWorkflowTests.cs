using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>
/// The proof on one machine (issue 8) that the publish workflow releases one base to two runners and proposes every
/// pin in one pull request: facts over the phases of <see cref="ReleaseFixture"/>, each failing on its own.
/// </summary>
[Collection(ReleaseCollection.Name)]
public sealed class ReleaseWorkflowTests(ReleaseFixture fx)
{
    static readonly string[] Fleet = ReleaseFixture.Fleet;

    PinnedImage BaseImage => fx.BaseImage ?? throw new Xunit.Sdk.XunitException($"the base job's base_image output is not a digest: '{fx.First.Job("base").Outputs.GetValueOrDefault("base_image")}'");

    string ReadFile(string commit, string path) => fx.Forge.Git.ReadFile(commit, path) ?? throw new Xunit.Sdk.XunitException($"{path} is not in {commit}");

    static void AssertAll(WorkflowRunResult run, JobConclusion conclusion) =>
        Assert.All(run.Jobs, j => Assert.True(j.Conclusion == conclusion, $"{run.Name}: {j}\n{BuildScript.Tail(j.Output, 60)}"));

    [Fact]
    public void Every_job_of_the_release_succeeds_and_the_base_job_hands_on_one_base_digest()
    {
        fx.Phases.Require("release");
        AssertAll(fx.First, JobConclusion.Success);
        Assert.Equal(Fleet, fx.First.Instances("templates").Select(j => j.Matrix).Order());
        Assert.Equal($"{fx.Runners.Registry.Address}/molecule-fleet/base", BaseImage.Image);
        Assert.Equal("1.0.0", fx.First.Job("base").Outputs["runtime_version"]);
    }

    [Fact]
    public void One_pull_request_proposes_the_base_pin_and_the_four_template_pins()
    {
        fx.Phases.Require("release");
        Assert.Equal(fx.PullsAtStart + 1, fx.PullsAfterFirst); // one pull request
        Assert.NotNull(fx.Pull);
        Assert.Equal(fx.Branch, fx.Pull!["head"]!["ref"]!.GetValue<string>());
        Assert.Equal(ReleaseFixture.PinFiles.Order(), fx.DiffAfterFirst); // the base and four pins
    }

    [Fact]
    public async Task Every_pin_names_the_one_base_and_is_signed_by_the_release_key_with_its_attestations_served()
    {
        fx.Phases.Require("release");
        var head = fx.HeadAfterFirst ?? throw new Xunit.Sdk.XunitException($"no branch {fx.Branch}");
        var basePin = PinFile.Parse(ReadFile(head, "templates/base/pin.json"), "base pin");
        Assert.Equal(BaseImage.Reference, basePin.Reference);
        AssertSignedByTheReleaseKey(basePin);
        foreach (var template in Fleet)
        {
            var pin = PinFile.Parse(ReadFile(head, $"templates/{template}/pin.json"), template);
            Assert.Equal(BaseImage, pin.Base); // one base digest in all four pins
            Assert.Equal(Pin.CurrentSchemaVersion, pin.SchemaVersion);
            Assert.Equal("1.0.0", pin.RuntimeVersion?.ToString());
            Assert.Equal(fx.ServedAfterFirst[template], pin.Digest); // as served right after the release (a later phase moves a tag)
            // Signed by the one key all runners were given; both SBOMs attested: .sig and .att are in the registry.
            var record = AssertSignedByTheReleaseKey(pin);
            Assert.Equal(record.Signature.Digest, await fx.ServedDigestAsync($"molecule-fleet/{template}", record.Signature.Tag));
            Assert.Equal(record.Attestation.Digest, await fx.ServedDigestAsync($"molecule-fleet/{template}", record.Attestation.Tag));
        }
    }

    [Fact]
    public void The_pull_request_body_names_each_first_pin_with_its_runtime_and_agent_and_the_SBOM_change()
    {
        fx.Phases.Require("release");
        var head = fx.HeadAfterFirst ?? throw new Xunit.Sdk.XunitException($"no branch {fx.Branch}");
        var body = fx.Pull!["body"]!.GetValue<string>();
        foreach (var template in Fleet)
        {
            var pin = PinFile.Parse(ReadFile(head, $"templates/{template}/pin.json"), template);
            Assert.Contains(pin.Digest[..19], body);
            Assert.Contains($"- {template}: first pin: runtime `molecule-ai-workspace-runtime` 1.0.0 · agent CLI `", body);
        }
        Assert.Contains("What changed in the SBOM:", body);
    }

    [Fact]
    public void The_template_jobs_on_B_pull_the_published_base_by_digest_and_never_build_or_bootstrap_one()
    {
        fx.Phases.Require("release");
        foreach (var template in ReleaseFixture.OnB)
        {
            var job = fx.First.Job("templates", template);
            Assert.Equal("B", job.Runner!.Name);
            Assert.Contains($"Base image {BaseImage.Reference}", job.Output);
            Assert.Contains("from --base-image: nothing built", job.Output);
            // The OS image is never bootstrapped or built here (the os-source label the base carries still names debootstrap).
            Assert.DoesNotContain("bootstrapping Debian", job.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Base image sha256:", job.Output, StringComparison.Ordinal); // "Base image <id> built in"
        }
        Assert.Contains(fx.PulledOnB, reference => reference.Contains(BaseImage.Digest, StringComparison.Ordinal));
    }

    /// <summary>What SecondEngineFleetTests proved with a fleet of its own, for the templates: they build, pass both gates
    /// and publish on the containerd image store, where an image's id is its manifest digest, the pinned one. The base on
    /// that store: SecondEngineTests (the small fleet's base is the real one without its Node stage).</summary>
    [Fact]
    public async Task Engine_B_builds_gates_and_publishes_claude_code_on_the_containerd_store()
    {
        fx.Phases.Require("release");
        Assert.Empty(fx.Runners.TagsOnBAtStart); // a fresh runner
        var baseJob = fx.First.Job("base");
        Assert.Equal("A", baseJob.Runner!.Name);
        Assert.Matches(@"Base image sha256:[0-9a-f]{64} built in", baseJob.Output);
        var head = fx.HeadAfterFirst ?? throw new Xunit.Sdk.XunitException($"no branch {fx.Branch}");
        foreach (var template in ReleaseFixture.OnB)
        {
            var job = fx.First.Job("templates", template);
            Assert.Matches(@"BuildImage\s+Succeeded", job.Output);
            Assert.Matches(@"Smoke\s+Succeeded.*passed 1/1 templates", job.Output);
            Assert.Matches(@"T4Conformance\s+Succeeded.*passed 1/1 templates", job.Output);
            var pin = PinFile.Parse(ReadFile(head, $"templates/{template}/pin.json"), template);
            Assert.Equal(pin.Digest, fx.TagsOnB[$"molecule-fleet/{template}:1.0.0"]);
        }
        var onA = await fx.Runners.DockerA.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters { All = true });
        Assert.DoesNotContain(onA, i => i.ID == BaseImage.Digest); // A's id of the base it built is its config digest (20.10)
    }

    [Fact]
    public void A_rerun_of_the_pins_job_leaves_the_pull_request_and_its_branch_as_they_were()
    {
        fx.Phases.Require("pins job re-run");
        Assert.Equal(JobConclusion.Success, fx.PinsRerun.Conclusion);
        Assert.Equal(fx.PullsAfterFirst, fx.PullsAfterRerun);
        Assert.Equal(fx.HeadAfterFirst, fx.HeadAfterRerun);
        Assert.Contains("Unchanged pull request", fx.PinsRerun.Output);
    }

    [Fact]
    public void VerifyPins_passes_for_the_merged_pins_with_the_release_public_key()
    {
        fx.Phases.Require("VerifyPins");
        fx.VerifyMerged.AssertSucceeded(40);
        Assert.Contains("verified 4/4 pins", fx.VerifyMerged.Output);
        foreach (var template in Fleet)
            Assert.Contains($"VerifyPins: {template} verified", fx.VerifyMerged.Output);
    }

    [Fact]
    public void A_release_with_nothing_changed_builds_publishes_and_proposes_nothing()
    {
        fx.Phases.Require("no-op release");
        var second = fx.Second;
        AssertAll(second, JobConclusion.Success);
        Assert.Equal(BaseImage.Reference, second.Job("base").Outputs["base_image"]);
        Assert.Contains("from its pin templates/base/pin.json (inputs unchanged): nothing built", second.Job("base").Output);
        foreach (var template in Fleet)
        {
            var job = second.Job("templates", template);
            Assert.Contains($"[{template}] unchanged since its pin", job.Output);
            Assert.DoesNotContain("Pushing ", job.Output);
        }
        Assert.Contains("Nothing was published for runtime 1.0.0: no pull request.", second.Job("pins").Output);
        Assert.Equal(fx.PullsAfterRerun, fx.PullsAfterSecond);
    }

    [Fact]
    public async Task A_failing_template_and_a_killed_job_keep_their_pins_while_the_changed_one_is_proposed()
    {
        fx.Phases.Require("partial release");
        var third = fx.Third;
        Assert.True(fx.OpenclawKilled, "openclaw's job was to be killed once it had built");
        Assert.Equal(JobConclusion.Success, third.Job("templates", "hermes").Conclusion);
        Assert.Equal(JobConclusion.Success, third.Job("templates", "claude-code").Conclusion); // unchanged
        Assert.Contains("[claude-code] unchanged since its pin", third.Job("templates", "claude-code").Output);
        Assert.Equal(JobConclusion.Failure, third.Job("templates", "codex").Conclusion);
        Assert.Equal(JobConclusion.Failure, third.Job("templates", "openclaw").Conclusion);
        Assert.Equal(JobConclusion.Success, third.Job("pins").Conclusion);
        Assert.Equal(fx.PullsAtStart + 2, fx.PullsAfterThird);
        Assert.Equal(["templates/hermes/pin.json"], fx.DiffAfterThird); // the others keep their pins
        Assert.Contains("- codex: Smoke failed", fx.ThirdBody);
        Assert.Contains("- openclaw: its job left no publish result", fx.ThirdBody);
        // hermes' old pin is signed: the body compares the two attested SBOMs (only a config file changed).
        Assert.Matches(@"- hermes: runtime `molecule-ai-workspace-runtime` 1\.0\.0 \(unchanged\) · agent CLI `[^`]+` \S+ \(unchanged\) · Debian packages: none changed", fx.ThirdBody);
        var pin = PinFile.Parse(fx.ThirdHermesPin ?? throw new Xunit.Sdk.XunitException("no hermes pin on the branch"), "hermes");
        Assert.Equal(BaseImage, pin.Base);
        Assert.NotEqual(fx.ServedAfterFirst["hermes"], pin.Digest); // rebuilt: a new config file, a new digest
        Assert.Equal(pin.Digest, await fx.ServedDigestAsync("molecule-fleet/hermes", "1.0.0"));
    }

    [Fact]
    public void A_failed_base_job_skips_every_template_job_and_the_pins_job_proposes_nothing()
    {
        fx.Phases.Require("faults");
        var failed = fx.BaseFails;
        Assert.Equal(JobConclusion.Failure, failed.Job("base").Conclusion);
        Assert.Contains("release test: a base that does not build", failed.Job("base").Output);
        Assert.All(failed.Instances("templates"), j => Assert.Equal(JobConclusion.Skipped, j.Conclusion));
        Assert.Equal(JobConclusion.Success, failed.Job("pins").Conclusion);
        Assert.Contains("Nothing was published for runtime 1.0.0: no pull request.", failed.Job("pins").Output);
        Assert.Equal(fx.PullsBeforeFaults, fx.PullsAfterEachFault[0]);
    }

    [Fact]
    public void A_template_job_given_a_base_the_registry_lacks_fails_at_once_naming_it()
    {
        fx.Phases.Require("faults");
        var job = fx.MissingBase.Job("templates", "codex");
        Assert.Equal(JobConclusion.Failure, job.Conclusion);
        Assert.Contains($"the base image {fx.MissingReference}", job.Output);
        Assert.Contains("is not on this engine and cannot be pulled", job.Output);
        Assert.Contains("Every runner needs a registry it can reach", job.Output);
        Assert.Matches(@"BuildBase\s+Failed", job.Output);
        Assert.DoesNotContain("Step 1/", job.Output); // nothing was built
        Assert.Equal(fx.PullsBeforeFaults, fx.PullsAfterEachFault[1]);
    }

    [Fact]
    public void A_pins_job_with_nothing_to_collect_says_so_in_one_line_and_opens_no_pull_request()
    {
        fx.Phases.Require("faults");
        var pins = fx.NoResults.Job("pins");
        Assert.Equal(JobConclusion.Success, pins.Conclusion);
        Assert.Contains("No job left results in", pins.Output);
        Assert.Equal(fx.PullsBeforeFaults, fx.PullsAfterEachFault[2]);
    }

    [Fact]
    public void No_secret_reaches_a_job_log_or_an_artifact()
    {
        var runs = new[] { "release", "no-op release", "partial release", "faults" }.Where(p => fx.Phases.Get(p)?.Succeeded == true).ToList();
        Assert.True(runs.Count > 0, $"no run to read: {string.Join("; ", fx.Phases.Outcomes)}");
        WorkflowRunResult?[] results = [fx.First, fx.Second, fx.Third, fx.BaseFails, fx.MissingBase, fx.NoResults];
        // The key's ciphertext near its end (its first lines, the KDF parameters, are the same in every cosign key).
        var keyBody = fx.Runners.SigningKeyPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).SkipLast(1).Last();
        string[] secrets = [fx.Runners.RegistryPassword, fx.Forge.Tokens.Bot, fx.Runners.SigningKey.Password, keyBody];
        foreach (var job in results.OfType<WorkflowRunResult>().SelectMany(r => r.Jobs).Where(j => j.Log.Length > 0))
            Assert.All(secrets, s => Assert.DoesNotContain(s, job.Output));
        foreach (var file in results.OfType<WorkflowRunResult>().SelectMany(r => Directory.Exists(r.Artifacts) ? Directory.EnumerateFiles(r.Artifacts, "*", SearchOption.AllDirectories) : []))
        {
            var text = File.ReadAllText(file);
            Assert.False(secrets.Any(s => text.Contains(s, StringComparison.Ordinal)), $"a secret in {file}");
        }
    }

    SupplyChainRecord AssertSignedByTheReleaseKey(Pin pin)
    {
        var record = pin.SupplyChain ?? throw new Xunit.Sdk.XunitException($"{pin.Template}: the pin has no supplyChain record");
        Assert.Equal((fx.Runners.SigningKey.Fingerprint, false), (record.PublicKey.Fingerprint, record.PublicKey.Development));
        Assert.Empty(record.SecurityUpgrades.Pending);
        Assert.Equal(CaTrust.BuildOnly, record.CaTrust);
        // The build provenance was attested and verified before the pin was written (issue 17).
        Assert.Equal(Provenance.PredicateType, record.Provenance?.PredicateType);
        return record;
    }
}
