using System.Diagnostics;
using Docker.DotNet.Models;
using TemplateFleet.Forges;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Publishing;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>
/// The proof on one machine (issue 8): the generated publish workflow run job by job by <see cref="WorkflowHarness"/>,
/// commands, environment and needs from the YAML alone, the base job on engine A, hermes and claude-code on engine B
/// (empty at the start), codex and openclaw on A, one registry, the Gitea fake. Expensive (a release, a no-op
/// release and a partial one), part of every `./build.sh Test`; `--filter Category=Release` runs it alone.
/// </summary>
[Collection(ReleaseCollection.Name)]
[Trait("Category", "Release")]
public sealed class ReleaseWorkflowTests(ReleaseFixture fx)
{
    static readonly string[] Fleet = ["claude-code", "codex", "hermes", "openclaw"];
    static readonly string[] PinFiles = ["templates/base/pin.json", .. Fleet.Select(t => $"templates/{t}/pin.json")];

    [Fact]
    public async Task The_publish_workflow_releases_one_base_to_two_runners_and_proposes_every_pin_in_one_pull_request()
    {
        var ct = CancellationToken.None;
        var repository = await fx.NewRepositoryAsync("release");
        var harness = fx.Harness(repository, ReleaseFixture.PublishWorkflow, Path.Combine(fx.Scratch, "release-runs"));
        var pullsAtStart = fx.Forge.Pulls.Count;

        // 1. The release: one base job, four template jobs on two runners, one pins job.
        // Engine B's pull events, watched from before the run: the engine replays only its last 256 events, and
        // the builds and gates of one release make more than that.
        var pullsOnB = new List<string>();
        using var watching = new CancellationTokenSource();
        var watch = WatchPullsAsync(pullsOnB, watching.Token);
        var first = await harness.RunAsync("first", ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // the last events reach the stream
        await watching.CancelAsync();
        await watch;
        AssertAll(first, JobConclusion.Success);
        var baseImage = PinnedImage.Parse(first.Job("base").Outputs["base_image"])
            ?? throw new Xunit.Sdk.XunitException($"the base job's base_image output is not a digest: '{first.Job("base").Outputs["base_image"]}'");
        Assert.Equal($"{fx.Registry.Address}/molecule-fleet/base", baseImage.Image);
        Assert.Equal("1.0.0", first.Job("base").Outputs["runtime_version"]);

        var revision = (await ReleaseFixture.Git(repository, "rev-parse", "HEAD")).Trim();
        var branch = PinProposal.ReleaseBranchFor(revision[..12]);
        Assert.Equal(pullsAtStart + 1, fx.Forge.Pulls.Count); // one pull request
        var pull = fx.Forge.Pulls[^1];
        Assert.Equal(branch, pull["head"]!["ref"]!.GetValue<string>());
        Assert.Equal(PinFiles.Order(), fx.Forge.BranchDiff(branch).Order()); // the base and four pins
        var head = fx.Forge.BranchSha(branch)!;
        SupplyChainPinSection.Register();
        var basePin = PinFile.Parse(ReadFile(head, "templates/base/pin.json"), "base pin");
        Assert.Equal(baseImage.Reference, basePin.Reference);
        AssertSignedByTheReleaseKey(basePin);
        var firstBody = pull["body"]!.GetValue<string>();
        foreach (var template in Fleet)
        {
            var pin = PinFile.Parse(ReadFile(head, $"templates/{template}/pin.json"), template);
            Assert.Equal(baseImage, pin.Base); // one base digest in all four pins
            Assert.Equal(Pin.CurrentSchemaVersion, pin.SchemaVersion);
            Assert.Equal("1.0.0", pin.RuntimeVersion);
            Assert.Equal(await ServedDigestAsync($"molecule-fleet/{template}", "1.0.0"), pin.Digest);
            Assert.Contains(pin.Digest[..19], firstBody);
            // Signed by the one key all runners were given; both SBOMs attested: .sig and .att are in the registry.
            var record = AssertSignedByTheReleaseKey(pin);
            Assert.Equal(record.Signature.Digest, await ServedDigestAsync($"molecule-fleet/{template}", record.Signature.Tag));
            Assert.Equal(record.Attestation.Digest, await ServedDigestAsync($"molecule-fleet/{template}", record.Attestation.Tag));
            Assert.Contains($"- {template}: first pin: runtime `molecule-ai-workspace-runtime` 1.0.0 · agent CLI `", firstBody);
        }
        Assert.Contains("What changed in the SBOM:", firstBody);

        // Engine B, empty at the start, pulled the base by that digest and never bootstrapped an OS.
        var onB = await fx.EngineB.Docker.Images.ListImagesAsync(new ImagesListParameters { All = true });
        Assert.DoesNotContain(onB, i => (i.RepoTags ?? []).Any(t => t.Contains("/os:", StringComparison.Ordinal)));
        Assert.Contains(onB, i => (i.RepoDigests ?? []).Contains(baseImage.Reference));
        foreach (var template in new[] { "hermes", "claude-code" })
        {
            var job = first.Job("templates", template);
            Assert.Equal("B", job.Runner!.Name);
            Assert.Contains($"Base image {baseImage.Reference}", job.Output);
            Assert.Contains("from --base-image: nothing built", job.Output);
            // The OS image is never bootstrapped or built here (the os-source label the base carries still names debootstrap).
            Assert.DoesNotContain("bootstrapping Debian", job.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Base image sha256:", job.Output, StringComparison.Ordinal); // "Base image <id> built in"
        }
        lock (pullsOnB)
            Assert.Contains(pullsOnB, reference => reference.Contains(baseImage.Digest, StringComparison.Ordinal));

        // 2. The pins job run again (a re-run of the job): the same pull request, the branch as it was.
        await harness.RunJobAsync(first, "pins", ct);
        Assert.Equal(JobConclusion.Success, first.Job("pins").Conclusion);
        Assert.Equal(pullsAtStart + 1, fx.Forge.Pulls.Count);
        Assert.Equal(head, fx.Forge.BranchSha(branch));
        Assert.Contains("Unchanged pull request", first.Job("pins").Output);

        // The pull request is merged; the next push builds from the merge, pins included.
        var number = pull["number"]!.GetValue<long>();
        fx.Forge.PersonMerges(number);
        foreach (var file in PinFiles)
            File.WriteAllText(Path.Combine(repository, file), ReadFile(fx.Forge.BaseSha, file));
        await ReleaseFixture.CommitAsync(repository, $"Merge pull request #{number}");

        // The platform, before it deploys: the four pins as merged, against the registry and the release's public key.
        ReleaseFixture.LinkSupplyChainTools(repository);
        var (verifyExit, verified) = await BuildScript.RunAsync("release-verify-pins.log", repository,
            new Dictionary<string, string> { ["REGISTRY_PASSWORD"] = fx.RegistryPassword, ["SIGNING_PUBLIC_KEY"] = fx.SigningKey.PublicKeyPem },
            "--root", repository, "VerifyPins", "--registry", fx.Registry.Address, "--registry-username", ReleaseFixture.RegistryUser);
        Assert.True(verifyExit == 0, $"VerifyPins exited {verifyExit}; log: output/tests/release-verify-pins.log\n{BuildScript.Tail(verified, 40)}");
        Assert.Contains("verified 4/4 pins", verified);
        foreach (var template in Fleet)
            Assert.Contains($"VerifyPins: {template} verified", verified);

        // 3. Nothing changed since: nothing is built or published, and no pull request opens.
        var second = await harness.RunAsync("second", ct);
        AssertAll(second, JobConclusion.Success);
        Assert.Equal(baseImage.Reference, second.Job("base").Outputs["base_image"]);
        Assert.Contains("from its pin templates/base/pin.json (inputs unchanged): nothing built", second.Job("base").Output);
        foreach (var template in Fleet)
        {
            var job = second.Job("templates", template);
            Assert.Contains($"[{template}] unchanged since its pin", job.Output);
            Assert.DoesNotContain("Pushing ", job.Output);
        }
        Assert.Contains("Nothing was published for runtime 1.0.0: no pull request.", second.Job("pins").Output);
        Assert.Equal(pullsAtStart + 1, fx.Forge.Pulls.Count);

        // 4. hermes changes, codex changes and fails Smoke, openclaw's job is killed midway (a cancelled runner).
        await File.AppendAllTextAsync(Path.Combine(repository, "templates", "hermes", "config.yaml"), "# release test: a change\n", ct);
        await File.AppendAllTextAsync(Path.Combine(repository, "templates", "codex", "config.yaml"), "# release test: a change\n", ct);
        var codexYaml = Path.Combine(repository, "templates", "codex", "template.yaml");
        var good = await File.ReadAllTextAsync(codexYaml, ct);
        var broken = good.Replace("'^codex-cli ${AGENT_VERSION}$'", "'^codex-cli 9.9.9$'", StringComparison.Ordinal);
        Assert.NotEqual(good, broken);
        await File.WriteAllTextAsync(codexYaml, broken, ct);
        await File.AppendAllTextAsync(Path.Combine(repository, "templates", "openclaw", "config.yaml"), "# release test: a change\n", ct);
        await ReleaseFixture.CommitAsync(repository, "hermes, codex and openclaw change; codex's check cannot pass");
        var killed = false;
        harness.DuringRunStep = (job, matrix, checkout, process) => job == "templates" && matrix == "openclaw"
            ? KillWhenAsync(process, Path.Combine(checkout, "output", "results", "build", "openclaw.json"), () => killed = true)
            : Task.CompletedTask;
        var third = await harness.RunAsync("third", ct);
        harness.DuringRunStep = null;

        Assert.True(killed, "openclaw's job was to be killed once it had built");
        Assert.Equal(JobConclusion.Success, third.Job("templates", "hermes").Conclusion);
        Assert.Equal(JobConclusion.Success, third.Job("templates", "claude-code").Conclusion); // unchanged
        Assert.Equal(JobConclusion.Failure, third.Job("templates", "codex").Conclusion);
        Assert.Equal(JobConclusion.Failure, third.Job("templates", "openclaw").Conclusion);
        Assert.Equal(JobConclusion.Success, third.Job("pins").Conclusion);
        var thirdBranch = PinProposal.ReleaseBranchFor((await ReleaseFixture.Git(repository, "rev-parse", "HEAD")).Trim()[..12]);
        Assert.Equal(pullsAtStart + 2, fx.Forge.Pulls.Count);
        Assert.Equal(["templates/hermes/pin.json"], fx.Forge.BranchDiff(thirdBranch)); // the others keep their pins
        var body = fx.Forge.Pulls[^1]["body"]!.GetValue<string>();
        Assert.Contains("- codex: Smoke failed", body);
        Assert.Contains("- openclaw: its job left no publish result", body);
        // hermes' old pin is signed: the body compares the two attested SBOMs (only a config file changed).
        Assert.Matches(@"- hermes: runtime `molecule-ai-workspace-runtime` 1\.0\.0 \(unchanged\) · agent CLI `[^`]+` \S+ \(unchanged\) · Debian packages: none changed", body);
        Assert.Equal(baseImage, PinFile.Parse(ReadFile(fx.Forge.BranchSha(thirdBranch)!, "templates/hermes/pin.json"), "hermes").Base);
        AssertNoSecretIn(first, second, third);
    }

    [Fact]
    public async Task A_failed_base_job_a_base_the_registry_lacks_and_a_pins_job_with_nothing_to_collect_each_stop_clearly()
    {
        var ct = CancellationToken.None;
        var repository = await fx.NewRepositoryAsync("faults");
        var dockerfile = Path.Combine(repository, "templates", "base", "Dockerfile");
        var text = await File.ReadAllTextAsync(dockerfile, ct);
        await File.WriteAllTextAsync(dockerfile, text.Replace("WORKDIR /app", "RUN echo 'release test: a base that does not build' >&2 && exit 3\nWORKDIR /app", StringComparison.Ordinal), ct);
        await ReleaseFixture.CommitAsync(repository, "a base that does not build");
        var harness = fx.Harness(repository, ReleaseFixture.PublishWorkflow, Path.Combine(fx.Scratch, "fault-runs"));
        var pulls = fx.Forge.Pulls.Count;

        // The base job fails: no template job runs, the pins job says there is nothing to propose.
        var failed = await harness.RunAsync("base-fails", ct);
        Assert.Equal(JobConclusion.Failure, failed.Job("base").Conclusion);
        Assert.Contains("release test: a base that does not build", failed.Job("base").Output);
        Assert.All(failed.Instances("templates"), j => Assert.Equal(JobConclusion.Skipped, j.Conclusion));
        Assert.Equal(JobConclusion.Success, failed.Job("pins").Conclusion);
        Assert.Contains("Nothing was published for runtime 1.0.0: no pull request.", failed.Job("pins").Output);
        Assert.Equal(pulls, fx.Forge.Pulls.Count);

        // A template job given a base digest the registry does not hold fails at once, naming it.
        var missing = $"{fx.Registry.Address}/molecule-fleet/base@sha256:{new string('0', 64)}";
        var given = new WorkflowRunResult("missing-base", Path.Combine(fx.Scratch, "fault-runs", "missing-base", "artifacts"));
        given.Jobs.Add(new JobRun("base", null, JobConclusion.Success, new Dictionary<string, string> { ["base_image"] = missing, ["runtime_version"] = "1.0.0" }, "", "", null, TimeSpan.Zero));
        await harness.RunJobAsync(given, "templates", ct, only: ["codex"]);
        var job = given.Job("templates", "codex");
        Assert.Equal(JobConclusion.Failure, job.Conclusion);
        Assert.Contains($"the base image {missing}", job.Output);
        Assert.Contains("is not on this engine and cannot be pulled", job.Output);
        Assert.Contains("Every runner needs a registry it can reach", job.Output);
        Assert.Matches(@"BuildBase\s+Failed", job.Output);
        Assert.DoesNotContain("Step 1/", job.Output); // nothing was built

        // A pins job with no results: no pull request, one clear line.
        var nothing = new WorkflowRunResult("no-results", Path.Combine(fx.Scratch, "fault-runs", "no-results", "artifacts"));
        Directory.CreateDirectory(nothing.Artifacts);
        await harness.RunJobAsync(nothing, "pins", ct);
        Assert.Equal(JobConclusion.Success, nothing.Job("pins").Conclusion);
        Assert.Contains("No job left results in", nothing.Job("pins").Output);
        Assert.Equal(pulls, fx.Forge.Pulls.Count);
        AssertNoSecretIn(failed, given, nothing);
    }

    SupplyChainRecord AssertSignedByTheReleaseKey(Pin pin)
    {
        var record = pin.Section<SupplyChainPinSection>()?.Record ?? throw new Xunit.Sdk.XunitException($"{pin.Template}: the pin has no supplyChain record");
        Assert.Equal((fx.SigningKey.Fingerprint, false), (record.PublicKey.Fingerprint, record.PublicKey.Development));
        Assert.Empty(record.SecurityUpgrades.Pending);
        return record;
    }

    string ReadFile(string commit, string path) => fx.Forge.Git.ReadFile(commit, path) ?? throw new Xunit.Sdk.XunitException($"{path} is not in {commit}");

    static void AssertAll(WorkflowRunResult run, JobConclusion conclusion) =>
        Assert.All(run.Jobs, j => Assert.True(j.Conclusion == conclusion, $"{run.Name}: {j}\n{BuildScript.Tail(j.Output, 60)}"));

    void AssertNoSecretIn(params WorkflowRunResult[] runs)
    {
        foreach (var job in runs.SelectMany(r => r.Jobs).Where(j => j.Log.Length > 0))
        {
            Assert.DoesNotContain(fx.RegistryPassword, job.Output);
            Assert.DoesNotContain(fx.Forge.Tokens.Bot, job.Output);
            Assert.DoesNotContain(fx.SigningKey.Password, job.Output);
            Assert.DoesNotContain(KeyBody, job.Output);
        }
        foreach (var file in runs.SelectMany(r => Directory.Exists(r.Artifacts) ? Directory.EnumerateFiles(r.Artifacts, "*", SearchOption.AllDirectories) : []))
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains(fx.RegistryPassword, StringComparison.Ordinal) || text.Contains(fx.Forge.Tokens.Bot, StringComparison.Ordinal)
                || text.Contains(fx.SigningKey.Password, StringComparison.Ordinal) || text.Contains(KeyBody, StringComparison.Ordinal), $"a secret in {file}");
        }
    }

    // The key's ciphertext near its end (its first lines, the KDF parameters, are the same in every cosign key).
    string KeyBody => fx.SigningKeyPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).SkipLast(1).Last();

    /// <summary>SIGKILL to the job's whole process tree once <paramref name="file"/> exists.</summary>
    static async Task KillWhenAsync(Process process, string file, Action killed)
    {
        while (!process.HasExited)
        {
            if (File.Exists(file))
            {
                process.Kill(entireProcessTree: true);
                killed();
                return;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Collects the references engine B pulls until <paramref name="stop"/> is cancelled.</summary>
    async Task WatchPullsAsync(List<string> into, CancellationToken stop)
    {
        try
        {
            await fx.EngineB.Docker.System.MonitorEventsAsync(new ContainerEventsParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["event"] = new Dictionary<string, bool> { ["pull"] = true } },
            }, new Collect(into), stop);
        }
        catch (OperationCanceledException)
        {
            // stopped on purpose: what came is what there is
        }
    }

    /// <summary>Synchronous, so no event is added after the call returned (Progress&lt;T&gt; posts to the thread pool).</summary>
    sealed class Collect(List<string> into) : IProgress<Message>
    {
        public void Report(Message value)
        {
            lock (into)
                into.Add(value.Actor?.ID ?? "");
        }
    }

    async Task<string?> ServedDigestAsync(string repository, string tag)
    {
        using var client = new RegistryClient(RegistryHost.Parse(fx.Registry.Address), ReleaseFixture.RegistryUser, fx.RegistryPassword);
        return await client.GetManifestDigestAsync(repository, tag, CancellationToken.None);
    }
}
