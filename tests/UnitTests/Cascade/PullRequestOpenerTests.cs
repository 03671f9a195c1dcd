using TemplateFleet.Cascade;
using TemplateFleet.Fleet;

namespace UnitTests.Cascade;

public sealed class PullRequestOpenerTests : IDisposable
{
    readonly FakeGitHub github = new();
    readonly CascadeRun cascade = new();

    public void Dispose()
    {
        github.Dispose();
        cascade.Dispose();
    }

    PullRequestOpener Opener(string token = FakeGitHub.Token) =>
        PullRequestOpener.Create(github.ApiUrl, token, $"{FakeGitHub.Owner}/{FakeGitHub.Repo}");

    [Fact]
    public async Task First_run_creates_branch_commit_and_pull_request_through_the_git_data_api()
    {
        cascade.Published("claude-code");
        cascade.Published("codex");
        cascade.Kept("hermes", "Smoke failed: cli-version");
        var bump = PinBump.FromRun(cascade.Context, cascade.Run);

        var result = await Opener().OpenOrUpdateAsync(bump, null, CancellationToken.None);

        Assert.NotNull(result);
        Assert.True(result.Created);
        Assert.Equal(1, result.Number);
        var repo = $"/api/v3/repos/{FakeGitHub.Owner}/{FakeGitHub.Repo}";
        Assert.Equal(
        [
            $"GET {repo}",
            $"GET {repo}/git/refs/heads/main",
            $"GET {repo}/git/commits/{github.BaseSha}",
            $"POST {repo}/git/blobs",
            $"POST {repo}/git/blobs",
            $"POST {repo}/git/trees",
            $"POST {repo}/git/commits",
            $"POST {repo}/git/refs",
            $"GET {repo}/pulls?state=open&head={FakeGitHub.Owner}%3Acascade%2Fruntime-1.2.0&base=main&sort=created&direction=desc",
            $"POST {repo}/pulls",
        ], github.Requests.Select(r => r.ToString()).ToList());
        Assert.All(github.Requests, r => Assert.Equal($"Token {FakeGitHub.Token}", r.Authorization));

        // the branch holds one commit on top of main with exactly the two new pins
        var head = github.RefSha("refs/heads/cascade/runtime-1.2.0")!;
        Assert.Equal(result.CommitSha, head);
        Assert.Equal([github.BaseSha], github.ParentsOf(head));
        Assert.StartsWith("Bump workspace runtime to 1.2.0", github.MessageOf(head));
        var tree = github.TreeOf(head);
        Assert.Equal(["README.md", "templates/claude-code/pin.json", "templates/codex/pin.json"], tree.Keys.Order());
        Assert.Equal(File.ReadAllText(Path.Combine(cascade.Root, "templates/codex/pin.json")), github.Blob(tree["templates/codex/pin.json"]));

        var blob = github.Requests.First(r => r.Path.EndsWith("/git/blobs")).Body!;
        Assert.Equal("utf-8", blob["encoding"]!.GetValue<string>());
        var newRef = github.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/git/refs")).Body!;
        Assert.Equal("refs/heads/cascade/runtime-1.2.0", newRef["ref"]!.GetValue<string>());

        var pull = Assert.Single(github.Pulls);
        Assert.Equal("Bump workspace runtime to 1.2.0", pull["title"]!.GetValue<string>());
        Assert.Equal("cascade/runtime-1.2.0", pull["head"]!["ref"]!.GetValue<string>());
        Assert.Equal("main", pull["base"]!["ref"]!.GetValue<string>());
        Assert.Contains("| hermes | kept old pin: Smoke failed: cli-version |", pull["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Re_run_force_updates_the_branch_on_the_new_base_and_updates_the_same_pull_request()
    {
        cascade.Published("claude-code");
        cascade.Kept("codex", "T4 conformance failed: sudo_nopasswd");
        await Opener().OpenOrUpdateAsync(PinBump.FromRun(cascade.Context, cascade.Run), "main", CancellationToken.None);
        github.AdvanceBase();
        var newBase = github.RefSha("refs/heads/main")!;
        github.Requests.Clear();

        cascade.Published("codex", "sha256:" + new string('c', 64));
        var result = await Opener().OpenOrUpdateAsync(PinBump.FromRun(cascade.Context, cascade.Run), "main", CancellationToken.None);

        Assert.NotNull(result);
        Assert.False(result.Created);
        Assert.Equal(1, result.Number);
        var createRef = github.Requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/git/refs"));
        var patchRef = github.Requests.Single(r => r.Method == "PATCH" && r.Path.Contains("/git/refs/"));
        Assert.True(github.Requests.IndexOf(createRef) < github.Requests.IndexOf(patchRef));
        Assert.EndsWith("/git/refs/heads/cascade/runtime-1.2.0", patchRef.Path);
        Assert.True(patchRef.Body!["force"]!.GetValue<bool>());
        Assert.Equal([newBase], github.ParentsOf(github.RefSha("refs/heads/cascade/runtime-1.2.0")!));
        Assert.DoesNotContain(github.Requests, r => r.Method == "POST" && r.Path.EndsWith("/pulls"));
        Assert.Contains(github.Requests, r => r.Method == "PATCH" && r.Path.EndsWith("/pulls/1"));

        var pull = Assert.Single(github.Pulls);
        Assert.Contains("sha256:" + new string('c', 64), pull["body"]!.GetValue<string>());
        Assert.DoesNotContain("kept old pin", pull["body"]!.GetValue<string>().Split("| codex |")[1].Split('\n')[0]);
    }

    [Fact]
    public async Task A_version_whose_branch_name_prefixes_another_gets_its_own_pull_request()
    {
        cascade.Published("codex");
        await Opener().OpenOrUpdateAsync(PinBump.FromRun(cascade.Context, cascade.Run), null, CancellationToken.None);

        using var shorter = new CascadeRun("1.2");
        shorter.Published("codex");
        var result = await Opener().OpenOrUpdateAsync(PinBump.FromRun(shorter.Context, shorter.Run), null, CancellationToken.None);

        Assert.NotNull(result);
        Assert.True(result.Created);
        Assert.Equal(["cascade/runtime-1.2.0", "cascade/runtime-1.2"], github.Pulls.Select(p => p["head"]!["ref"]!.GetValue<string>()));
        Assert.NotNull(github.RefSha("refs/heads/cascade/runtime-1.2"));
    }

    [Fact]
    public async Task Nothing_published_opens_nothing()
    {
        cascade.Kept("claude-code", "build failed");
        var result = await Opener().OpenOrUpdateAsync(PinBump.FromRun(cascade.Context, cascade.Run), null, CancellationToken.None);
        Assert.Null(result);
        Assert.Empty(github.Requests);
    }

    [Fact]
    public async Task Bad_token_is_a_clear_error_that_never_prints_the_token()
    {
        cascade.Published("codex");
        var e = await Assert.ThrowsAsync<FleetException>(() =>
            Opener("ghp_wrong-token-value").OpenOrUpdateAsync(PinBump.FromRun(cascade.Context, cascade.Run), null, CancellationToken.None));
        Assert.Contains("HTTP 401", e.Message);
        Assert.Contains("token", e.Message);
        Assert.DoesNotContain("ghp_wrong-token-value", e.Message);
    }

    [Theory]
    [InlineData("no-slash")]
    [InlineData("a/b/c")]
    public void Repository_must_be_owner_slash_name(string repository) =>
        Assert.Contains($"'{repository}'", Assert.Throws<FleetException>(() => PullRequestOpener.Create(github.ApiUrl, "t", repository)).Message);
}
