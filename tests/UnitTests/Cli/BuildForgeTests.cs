using System.Text.Json.Nodes;
using TemplateFleet;
using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.Host;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;
using UnitTests.Fleet;
using UnitTests.Forges;

namespace UnitTests.Cli;

/// <summary>
/// The real Build class in-process against the forge fakes: what the forge refuses stops Cascade in
/// OnBuildInitialized (exit 2, nothing built, nothing written), old and new parameter names both bind, and the
/// Watch target starts the cascade of a newer release once.
/// </summary>
[Collection("host")]
public sealed class BuildForgeTests : IDisposable
{
    const string Repository = $"{GitBackedForge.Owner}/{GitBackedForge.Repo}";
    readonly string root = Directory.CreateTempSubdirectory("fleet-forge-").FullName;

    public BuildForgeTests() => TreeCopy.Repository(TempRepo.RealRoot, root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    (int Exit, string Output) Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var output = new StringWriter();
        var exit = BuildRunner.Run<Build>(args, new BuildContextOptions
        {
            RootDirectory = root,
            WorkingDirectory = root,
            Environment = environment ?? new Dictionary<string, string>(),
            Out = output,
            Error = output,
            UseColor = false,
        });
        return (exit, output.ToString());
    }

    static void StoppedBeforeBuilding((int Exit, string Output) run, GitBackedForge forge, params string[] message)
    {
        Assert.True(run.Exit == 2, run.Output);
        foreach (var part in message)
            Assert.Contains(part, run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.DoesNotContain("Restore", run.Output); // no target ran
        Assert.Empty(forge.Writes);
        foreach (var secret in new[] { forge.Tokens.Bot, forge.Tokens.Reader, forge.Tokens.Actions })
            Assert.DoesNotContain(secret, run.Output);
    }

    [Fact]
    public void A_token_without_push_stops_cascade_before_anything_is_built()
    {
        using var gitea = new FakeGitea("1.24.3");
        var run = Run(null, "Cascade", "--runtime-version", "1.2.3",
            "--forge-api-url", gitea.ApiUrl.ToString(), "--forge-repository", Repository, "--forge-token", FakeGitea.ReaderToken);
        StoppedBeforeBuilding(run, gitea, "error: reader may not push to molecule/template-fleet");
        Assert.Null(gitea.BranchSha(ProposalKey.Runtime(Pep440Version.Parse("1.2.3")).Branch));
    }

    [Fact]
    public void The_runners_token_bound_through_the_old_name_is_refused()
    {
        // No FORGE_TOKEN: the old parameter binds the runner's GITHUB_TOKEN, as it did before; it must not pass.
        using var gitea = new FakeGitea("1.24.3");
        var environment = new Dictionary<string, string>
        {
            ["GITHUB_TOKEN"] = FakeGitea.ActionsToken,
            ["GITHUB_API_URL"] = gitea.ApiUrl.ToString(),
            ["GITHUB_REPOSITORY"] = Repository,
        };
        StoppedBeforeBuilding(Run(environment, "Cascade", "--runtime-version", "1.2.3"), gitea,
            "runner's automatic Actions token", "FORGE_TOKEN");
    }

    [Fact]
    public async Task The_old_names_still_work_and_a_pull_request_a_person_closed_stops_the_cascade()
    {
        using var github = new FakeGitHub();
        using var http = new ForgeHttp(github.ApiUrl, FakeGitHub.BotToken);
        var branch = ProposalKey.Runtime(Pep440Version.Parse("1.2.3")).Branch;
        var repo = $"repos/{Repository}";
        await http.SendAsync("POST", repo + "/git/refs", new JsonObject { ["ref"] = "refs/heads/" + branch, ["sha"] = github.BaseSha });
        github.PersonCommits(branch, "templates/hermes/pin.json", "{}\n");
        await http.SendAsync("POST", repo + "/pulls", new JsonObject { ["head"] = branch, ["base"] = "main", ["title"] = "Bump" });
        github.PersonCloses(2);
        github.ClearRequests();

        var run = Run(null, "Cascade", "--runtime-version", "1.2.3",
            "--git-hub-api-url", github.ApiUrl.ToString(), "--git-hub-repository", Repository, "--git-hub-token", FakeGitHub.BotToken);

        StoppedBeforeBuilding(run, github, "pull request #2 for runtime 1.2.3 was closed without merging");
    }

    [Fact]
    public void The_new_names_win_over_the_old_ones()
    {
        using var gitea = new FakeGitea("1.24.3");
        var run = Run(null, "Cascade", "--runtime-version", "1.2.3",
            "--forge-api-url", gitea.ApiUrl.ToString(), "--git-hub-api-url", "http://127.0.0.1:9/api/v1",
            "--forge-repository", "molecule/missing", "--git-hub-repository", Repository,
            "--forge-token", FakeGitea.BotToken, "--git-hub-token", "old-token", "--forge", "gitea");
        StoppedBeforeBuilding(run, gitea, "molecule/missing was not found on Gitea 1.24.3");
    }

    [Fact]
    public void Watch_needs_the_index_to_watch() =>
        Assert.Contains("Watch needs --package-index", Run(null, "Watch").Output);

    [Fact]
    public async Task Watch_starts_the_cascade_of_a_newer_release_once()
    {
        using var gitea = new FakeGitea("1.24.3");
        // Only the runtime is watched here: the other inputs are read from the real npm registry and Debian archive,
        // whose newest allowed versions move with the day (a release turning three days old starts a bump).
        var fleetYaml = Path.Combine(root, "templates", "fleet.yaml");
        var data = File.ReadAllText(fleetYaml);
        const string watched = "    watch: true ", runtime = "    minimumReleaseAge: 0\n";
        Assert.Contains(watched, data);
        Assert.Contains(runtime, data);
        File.WriteAllText(fleetYaml, data.Replace(watched, "    watch: false").Replace(runtime, runtime + "    watch: true\n"));
        await using var index = await EmbeddedIndex.StartAsync(FleetLoader.LoadFleet(root), ["1.9.0"], Path.Combine(root, "output", "index"), CancellationToken.None, preferredPort: 0);
        string[] watch = ["Watch", "--package-index", index.SimpleUrl.ToString(),
            "--forge-api-url", gitea.ApiUrl.ToString(), "--forge-repository", Repository];
        var environment = new Dictionary<string, string> { ["FORGE_TOKEN"] = FakeGitea.BotToken };

        var first = Run(environment, watch);
        var second = Run(environment, watch);

        Assert.True(first.Exit == 0, first.Output);
        Assert.True(second.Exit == 0, second.Output);
        var dispatch = Assert.Single(gitea.Dispatches);
        Assert.Equal("cascade.yml", dispatch.Workflow);
        Assert.Equal("1.9.0", dispatch.Inputs["runtime_version"]!.GetValue<string>());
        Assert.Equal(index.SimpleUrl.ToString(), dispatch.Inputs["package_index"]!.GetValue<string>());
        Assert.NotNull(gitea.BranchSha(ProposalKey.Runtime(Pep440Version.Parse("1.9.0")).Branch));
        Assert.Contains("1.9.0: Dispatched", first.Output);
        Assert.Contains("1.9.0: AlreadyStarted", second.Output);
        Assert.DoesNotContain(FakeGitea.BotToken, first.Output + second.Output);
    }

    /// <summary>What the bump workflow's base job and hermes's template job leave for the pins job (output/jobs), as the artifacts arrive.</summary>
    void BumpJobsLeft(string data, PublishResult hermes, GateResult smoke)
    {
        var jobs = Path.Combine(root, "output", "jobs");
        if (Directory.Exists(jobs))
            Directory.Delete(jobs, recursive: true);
        var handed = Path.Combine(jobs, "base-bump", "templates", "hermes", "template.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(handed)!);
        File.WriteAllText(handed, data);
        var store = ResultStore.StartRun(Path.Combine(jobs, "templates-results-hermes"));
        store.Write(new RunRecord("run", "molecule-ai-workspace-runtime", Pep440Version.Parse("1.0.0"), "parameter", false, "c0ffee1", "c0ffee1", ["hermes"], "127.0.0.1:5000", "templates", DateTimeOffset.UnixEpoch));
        store.Write(hermes);
        store.Write(smoke);
    }

    [Fact]
    public void The_bump_workflows_pins_job_opens_the_bumps_one_pull_request_from_the_jobs_results_work_in_progress_while_a_template_failed()
    {
        using var gitea = new FakeGitea("1.24.3");
        // The checkout holds the pins the forge's main holds (the marker branch at the base commit).
        foreach (var template in new[] { "hermes", "codex" })
            File.WriteAllText(Path.Combine(root, "templates", template, "pin.json"), PinFile.Serialize(ForgeUnderTest.OldPin(template)));
        var data = File.ReadAllText(Path.Combine(root, "templates", "hermes", "template.yaml")) + "# written by the base job\n";
        string[] pins = ["ProposeBump", "--input", "hermes", "--input-version", "0.4.0",
            "--forge-api-url", gitea.ApiUrl.ToString(), "--forge-repository", Repository];
        var environment = new Dictionary<string, string> { ["FORGE_TOKEN"] = FakeGitea.BotToken };
        var branch = ProposalKey.Bump("hermes", "0.4.0").Branch;

        // hermes's job failed Smoke: work in progress, the data and no pin, the failed check named; the job fails.
        BumpJobsLeft(data, new PublishResult("hermes", PublishStatus.NotPublished, "T4 and Smoke must pass before Publish", null, "templates/hermes/pin.json", []),
            ForgeUnderTest.Gate("smoke", "hermes", 4, "cli-version"));
        var failed = Run(environment, pins);

        Assert.True(failed.Exit == 1, failed.Output);
        var pull = Assert.Single(gitea.Pulls, p => p["head"]!["ref"]!.GetValue<string>() == branch);
        Assert.Equal("WIP: Bump hermes 0.4.0 (lock refreshed)", pull["title"]!.GetValue<string>());
        Assert.Contains("- hermes smoke cli-version: cli-version", pull["body"]!.GetValue<string>());
        Assert.Equal(["templates/hermes/template.yaml"], gitea.BranchDiff(branch));
        Assert.Equal(data, gitea.Git.ReadFile(gitea.BranchSha(branch)!, "templates/hermes/template.yaml"));

        // Run again after hermes passed: the same pull request, now with the pin and without WIP.
        var pin = ForgeUnderTest.PinOf("1.0.0", "hermes");
        BumpJobsLeft(data, new PublishResult("hermes", PublishStatus.Published, "published", pin, "templates/hermes/pin.json", []), ForgeUnderTest.Gate("smoke", "hermes", 5));
        var passed = Run(environment, pins);

        Assert.True(passed.Exit == 0, passed.Output);
        pull = Assert.Single(gitea.Pulls, p => p["head"]!["ref"]!.GetValue<string>() == branch);
        Assert.Equal("Bump hermes 0.4.0 (lock refreshed)", pull["title"]!.GetValue<string>());
        Assert.Equal(["templates/hermes/pin.json", "templates/hermes/template.yaml"], gitea.BranchDiff(branch).Order(StringComparer.Ordinal));
        Assert.Equal(PinFile.Serialize(pin), gitea.Git.ReadFile(gitea.BranchSha(branch)!, "templates/hermes/pin.json"));
        Assert.DoesNotContain(FakeGitea.BotToken, failed.Output + passed.Output);
    }
}
