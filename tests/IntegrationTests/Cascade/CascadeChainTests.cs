using System.Diagnostics;
using Docker.DotNet.Models;
using IntegrationTests.Gates;
using IntegrationTests.Publishing;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using UnitTests.Forges;

namespace IntegrationTests.Cascade;

/// <summary>
/// The whole Cascade chain as the runtime's release pipeline triggers it, through ./build.sh on a copy of the
/// repository: a new runtime version reaches a real package index on loopback a few seconds after the trigger;
/// Cascade waits for it, builds the real templates with it, gates them, pushes to a real htpasswd registry,
/// pins the digests and opens one pull request on the forge: the fake of Gitea 1.24 (the fleet's forge) or of
/// GitHub, each backed by a real git repository. A template that fails a gate keeps its old pin and stays out of
/// the pull request; a re-run after the fix updates the same pull request instead of opening a second; the branch
/// differs from the base in pin files only; somebody else's open pull request is untouched.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class CascadeChainTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IAsyncLifetime
{
    const string Version = "1.0.7";
    const string RuntimePackage = "molecule-ai-workspace-runtime";
    const string BrokenCheck = "'^codex-cli 9.9.9$'";

    readonly string scratch = Directory.CreateTempSubdirectory("cascade-it-").FullName;
    // Same folder name as the repository: the base image's source label, and so its id and every cached
    // template layer above it, stay those of the real fleet.
    string Root => Path.Combine(scratch, Path.GetFileName(RepositoryRoot.Path));

    public Task InitializeAsync()
    {
        UnitTests.TreeCopy.Repository(RepositoryRoot.Path, Root);
        Git("init", "--quiet", "--initial-branch=main");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Every image this test built carries its runtime version; the fleet's other images are left alone.
        var images = await registry.Docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.RuntimeVersion}={Version}"] = true } },
        });
        foreach (var image in images)
            await registry.Docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
        Directory.Delete(scratch, recursive: true);
    }

    [Theory]
    [InlineData("gitea 1.24.3")]
    [InlineData("github")]
    public async Task A_new_runtime_is_waited_for_built_gated_published_pinned_and_proposed_in_one_pull_request(string forgeName)
    {
        var codexYaml = Path.Combine(Root, "templates", "codex", "template.yaml");
        var goodCodexYaml = File.ReadAllText(codexYaml);
        File.WriteAllText(codexYaml, goodCodexYaml.Replace("'^codex-cli ${AGENT_VERSION}$'", BrokenCheck, StringComparison.Ordinal));
        Assert.Contains(BrokenCheck, File.ReadAllText(codexYaml));
        var codexPin = Path.Combine(Root, "templates", "codex", PinFile.FileName);
        var oldCodexPin = PinFile.Serialize(new Pin
        {
            Template = "codex",
            Image = $"{registry.Registry.Address}/molecule-fleet/codex",
            Digest = "sha256:" + new string('a', 64),
            RuntimeVersion = Pep440Version.Parse("1.0.0"),
            Revision = "0123456789abcdef",
            PublishedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        });
        File.WriteAllText(codexPin, oldCodexPin);
        Commit("fleet with a codex check that cannot pass");

        await using var index = await EmbeddedIndex.StartAsync(FleetLoader.LoadFleet(Root), [Version], Path.Combine(scratch, "index"), CancellationToken.None, preferredPort: 0);
        using var under = new ForgeUnderTest(forgeName);
        var forge = under.Fake;
        var branch = ProposalKey.Runtime(Pep440Version.Parse(Version)).Branch;
        var released = HideUntilReleased(index.Root, started: () => forge.BranchSha(branch) is not null);

        // First run: codex fails Smoke, hermes goes all the way.
        var (exit, output) = await CascadeAsync(index, forge, "first");
        await released;

        Assert.True(exit == 1, $"expected the failed codex gate to fail the build (exit 1), got {exit}\n{BuildScript.Tail(output, 80)}");
        Assert.Contains($"{RuntimePackage} {Version} not on", output);            // it waited ...
        Assert.Contains($"{RuntimePackage} {Version} is served by", output);      // ... until the release landed
        Assert.Matches(@"Publish\s+Failed|Smoke\s+Failed", output);
        Assert.Contains("published 1/2 templates", output);

        var hermesPin = PinFile.Read(Path.Combine(Root, "templates", "hermes", PinFile.FileName));
        Assert.Equal($"{registry.Registry.Address}/molecule-fleet/hermes", hermesPin.Image);
        Assert.Equal(Version, hermesPin.RuntimeVersion?.ToString());
        Assert.Equal(await ManifestDigestAsync("hermes"), hermesPin.Digest);
        Assert.Equal(oldCodexPin, File.ReadAllText(codexPin)); // a failed template keeps its old pin

        Assert.Equal(2, forge.Pulls.Count); // somebody else's and the cascade's
        var pull = forge.Pull(2);
        Assert.Equal($"Bump workspace runtime to {Version}", pull["title"]!.GetValue<string>());
        Assert.Equal(branch, pull["head"]!["ref"]!.GetValue<string>());
        Assert.Contains("- codex: ", pull["body"]!.GetValue<string>()); // kept, with its reason
        // The base this release built and published, and hermes FROM it; a failed template is not in the pull request.
        Assert.Equal(["templates/base/pin.json", "templates/hermes/pin.json"], forge.BranchDiff(branch).Order());
        Assert.Equal(PinFile.Read(Path.Combine(Root, "templates", "base", PinFile.FileName)).Reference, hermesPin.Base!.Reference);
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "templates", "hermes", PinFile.FileName)), forge.Git.ReadFile(forge.BranchSha(branch)!, "templates/hermes/pin.json"));
        under.AssertUnrelatedUntouched();
        AssertNoSecretIn(output, forge);
        await AssertNoContainerLeftAsync();

        // The fix lands, the base moves on; the release pipeline re-runs Cascade for the same version.
        File.WriteAllText(codexYaml, goodCodexYaml);
        Commit("codex check fixed");
        var moved = forge.AdvanceBase();
        (exit, output) = await CascadeAsync(index, forge, "second");

        Assert.True(exit == 0, $"second Cascade exited {exit}\n{BuildScript.Tail(output, 80)}");
        // hermes' inputs equal the pin the first run wrote: not built or pushed again, and its pin stays in the pull request.
        Assert.Contains("published 1/1 templates, 1 unchanged since their pins", output);
        Assert.Equal(2, forge.Pulls.Count); // the same pull request, updated
        Assert.Equal("open", forge.Pull(2)["state"]!.GetValue<string>());
        var codex = PinFile.Read(codexPin);
        Assert.Equal(Version, codex.RuntimeVersion?.ToString());
        Assert.Equal(await ManifestDigestAsync("codex"), codex.Digest);
        Assert.Equal(["templates/base/pin.json", "templates/codex/pin.json", "templates/hermes/pin.json"], forge.BranchDiff(branch).Order());
        Assert.Equal(moved, forge.Git.ReadCommit(forge.BranchSha(branch)!).Parents.Single()); // on the current base
        Assert.Equal(File.ReadAllText(codexPin), forge.Git.ReadFile(forge.BranchSha(branch)!, "templates/codex/pin.json"));
        Assert.Contains("`sha256:aaaaaaaaaaaa…` → ", forge.Pull(2)["body"]!.GetValue<string>()); // codex: its old pin → the new one
        under.AssertUnrelatedUntouched();
        Assert.All(forge.Requests, r => Assert.Equal($"token {forge.Tokens.Bot}", r.Authorization, ignoreCase: true));
        AssertNoSecretIn(output, forge);
        await AssertNoContainerLeftAsync();
    }

    Task<(int Exit, string Output)> CascadeAsync(EmbeddedIndex index, GitBackedForge forge, string name) =>
        BuildScript.RunAsync($"cascade-chain.{name}.log", Root,
            // As the generated cascade workflow passes them: secrets and the run's context through the environment.
            // The runner's own token is there too, as on a runner; FORGE_TOKEN is the one that must be used.
            new Dictionary<string, string>
            {
                ["REGISTRY_PASSWORD"] = registry.Password,
                ["FORGE_TOKEN"] = forge.Tokens.Bot,
                ["FORGE_API_URL"] = forge.ApiUrl.ToString(),
                ["FORGE_REPOSITORY"] = $"{GitBackedForge.Owner}/{GitBackedForge.Repo}",
                ["GITHUB_TOKEN"] = forge.Tokens.Actions,
            },
            "--root", Root, "Cascade", "--templates", "codex,hermes", "--runtime-version", Version,
            "--package-index", index.SimpleUrl.ToString(), "--index-poll-seconds", "1", "--index-timeout-minutes", "2",
            "--registry", registry.Registry.Address, "--registry-username", registry.Username,
            "--unsigned"); // the chain to the forge is proven here; the supply chain in a release by ReleaseWorkflowTests

    /// <summary>
    /// The version's JSON page appears a few seconds after Cascade started waiting for it, as on a real index after
    /// an upload: counted from the marker branch, which Cascade makes right before it waits.
    /// </summary>
    static Task HideUntilReleased(string indexRoot, Func<bool> started)
    {
        var page = Path.Combine(indexRoot, "pypi", RuntimePackage, Version);
        var hidden = page + ".unreleased";
        Directory.Move(page, hidden);
        return Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!started() && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Directory.Move(hidden, page);
        });
    }

    async Task<string> ManifestDigestAsync(string template)
    {
        using var client = new RegistryClient(RegistryHost.Parse(registry.Registry.Address), registry.Username, registry.Password);
        return await client.GetManifestDigestAsync($"molecule-fleet/{template}", Version, CancellationToken.None);
    }

    void AssertNoSecretIn(string output, GitBackedForge forge)
    {
        string[] secrets = [forge.Tokens.Bot, forge.Tokens.Actions, registry.Password];
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, output);
        foreach (var report in Directory.EnumerateFiles(Path.Combine(Root, "output"), "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(report);
            Assert.False(secrets.Any(s => text.Contains(s, StringComparison.Ordinal)), $"a secret leaked into {report}");
        }
        foreach (var pull in forge.Pulls)
            Assert.False(secrets.Any(s => pull.ToJsonString().Contains(s, StringComparison.Ordinal)), "a secret leaked into a pull request");
    }

    async Task AssertNoContainerLeftAsync()
    {
        var containers = await registry.Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.RuntimeVersion}={Version}"] = true } },
        });
        Assert.Empty(containers);
    }

    void Commit(string message)
    {
        Git("add", "-A");
        Git("-c", "user.name=Cascade test", "-c", "user.email=cascade-test@localhost", "commit", "--quiet", "-m", message);
    }

    void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
    }
}
