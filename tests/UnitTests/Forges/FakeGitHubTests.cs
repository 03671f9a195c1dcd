using System.Text.Json.Nodes;

namespace UnitTests.Forges;

/// <summary>What the GitHub fake answers: written before the client, from GitHub's REST documentation.</summary>
public sealed class FakeGitHubTests
{
    const string Repo = $"repos/{FakeGitHub.Owner}/{FakeGitHub.Repo}";

    static ForgeHttp Http(FakeGitHub github, string? token = FakeGitHub.BotToken) => new(github.ApiUrl, token);

    [Fact]
    public async Task There_is_no_version_route_and_a_wrong_token_is_bad_credentials_everywhere()
    {
        using var github = new FakeGitHub();
        using var bot = Http(github);
        Assert.Equal(404, (await bot.GetAsync("version")).Status);
        Assert.NotNull((await bot.GetAsync("")).Json!["current_user_url"]);
        using var wrong = Http(github, "ghp_wrong");
        var (status, json, _) = await wrong.GetAsync(Repo);
        Assert.Equal(401, status);
        Assert.Equal("Bad credentials", json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_installation_token_is_not_a_user_and_a_reader_may_not_push()
    {
        using var github = new FakeGitHub();
        using var installation = Http(github, FakeGitHub.InstallationToken);
        Assert.Equal(403, (await installation.GetAsync("user")).Status);
        using var reader = Http(github, FakeGitHub.ReaderToken);
        Assert.False((await reader.GetAsync(Repo)).Json!["permissions"]!["push"]!.GetValue<bool>());
        Assert.Equal(403, (await reader.SendAsync("POST", Repo + "/git/refs", new JsonObject { ["ref"] = "refs/heads/x", ["sha"] = github.BaseSha })).Status);
        Assert.Equal(404, (await reader.GetAsync($"repos/{FakeGitHub.Owner}/elsewhere")).Status);
    }

    [Fact]
    public async Task A_commit_status_with_an_unknown_state_or_commit_is_422_and_a_ref_lists_them_newest_first()
    {
        using var github = new FakeGitHub();
        using var bot = Http(github);
        var path = $"{Repo}/statuses/{github.BaseSha}";
        var badState = await bot.SendAsync("POST", path, new JsonObject { ["state"] = "running", ["context"] = "x" });
        Assert.Equal(422, badState.Status);
        Assert.Equal("state is not included in the list", badState.Json!["errors"]![0]!["message"]!.GetValue<string>());
        var badSha = await bot.SendAsync("POST", $"{Repo}/statuses/{new string('0', 40)}", new JsonObject { ["state"] = "pending" });
        Assert.Equal((422, $"No commit found for SHA: {new string('0', 40)}"), (badSha.Status, badSha.Json!["message"]!.GetValue<string>()));
        using var reader = Http(github, FakeGitHub.ReaderToken);
        Assert.Equal(403, (await reader.SendAsync("POST", path, new JsonObject { ["state"] = "pending" })).Status);
        Assert.Empty(github.Statuses);

        Assert.Equal(201, (await bot.SendAsync("POST", path, new JsonObject { ["state"] = "pending", ["context"] = "first" })).Status);
        Assert.Equal(201, (await bot.SendAsync("POST", path, new JsonObject { ["state"] = "success", ["context"] = "second" })).Status);
        var listed = (JsonArray)(await bot.GetAsync($"{Repo}/commits/main/statuses")).Json!;
        Assert.Equal([("second", "success"), ("first", "pending")], listed.Select(s => (s!["context"]!.GetValue<string>(), s["state"]!.GetValue<string>())));
        Assert.Equal(404, (await bot.GetAsync($"{Repo}/commits/no-such-branch/statuses")).Status);
    }

    [Fact]
    public async Task The_pull_request_list_honours_head_and_base_and_a_duplicate_is_422_with_errors()
    {
        using var github = new FakeGitHub();
        using var bot = Http(github);
        Assert.Equal(201, (await bot.SendAsync("POST", Repo + "/git/refs", new JsonObject { ["ref"] = "refs/heads/cascade/runtime-1.2.0", ["sha"] = github.BaseSha })).Status);
        Assert.Equal(422, (await bot.SendAsync("POST", Repo + "/git/refs", new JsonObject { ["ref"] = "refs/heads/cascade/runtime-1.2.0", ["sha"] = github.BaseSha })).Status);
        var create = new JsonObject { ["head"] = "cascade/runtime-1.2.0", ["base"] = "main", ["title"] = "Bump" };
        var empty = await bot.SendAsync("POST", Repo + "/pulls", create);
        Assert.Equal(422, empty.Status);
        Assert.StartsWith("No commits between", empty.Json!["errors"]![0]!["message"]!.GetValue<string>());

        github.PersonCommits("cascade/runtime-1.2.0", "templates/hermes/pin.json", "{}\n");
        Assert.Equal(201, (await bot.SendAsync("POST", Repo + "/pulls", create)).Status);
        var duplicate = await bot.SendAsync("POST", Repo + "/pulls", create);
        Assert.Equal(422, duplicate.Status);
        Assert.Equal("custom", duplicate.Json!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Contains("already exists", duplicate.Json["errors"]![0]!["message"]!.GetValue<string>());

        var list = (JsonArray)(await bot.GetAsync(Repo + "/pulls?state=all&head=molecule%3Acascade%2Fruntime-1.2.0&base=main")).Json!;
        Assert.Equal([2], list.Select(p => p!["number"]!.GetValue<int>()));
        Assert.Equal(2, ((JsonArray)(await bot.GetAsync(Repo + "/pulls")).Json!).Count);
    }

    [Fact]
    public async Task Git_data_builds_a_commit_and_deleting_the_head_branch_closes_its_pull_request()
    {
        using var github = new FakeGitHub();
        using var bot = Http(github);
        var baseTree = github.Git.ReadCommit(github.BaseSha).Tree;
        var blob = (await bot.SendAsync("POST", Repo + "/git/blobs", new JsonObject { ["content"] = "{}\n", ["encoding"] = "utf-8" })).Json!["sha"]!.GetValue<string>();
        var tree = (await bot.SendAsync("POST", Repo + "/git/trees", new JsonObject
        {
            ["base_tree"] = baseTree,
            ["tree"] = new JsonArray(new JsonObject { ["path"] = "templates/hermes/pin.json", ["mode"] = "100644", ["type"] = "blob", ["sha"] = blob }),
        })).Json!["sha"]!.GetValue<string>();
        var commit = (await bot.SendAsync("POST", Repo + "/git/commits", new JsonObject { ["message"] = "m", ["tree"] = tree, ["parents"] = new JsonArray(github.BaseSha) })).Json!["sha"]!.GetValue<string>();
        await bot.SendAsync("POST", Repo + "/git/refs", new JsonObject { ["ref"] = "refs/heads/b", ["sha"] = commit });
        Assert.Equal(["templates/hermes/pin.json"], github.BranchDiff("b"));
        Assert.Equal(422, (await bot.SendAsync("PATCH", Repo + "/git/refs/heads/b", new JsonObject { ["sha"] = github.BaseSha })).Status);

        await bot.SendAsync("POST", Repo + "/pulls", new JsonObject { ["head"] = "b", ["base"] = "main", ["title"] = "t" });
        Assert.Equal(204, (await bot.SendAsync("DELETE", Repo + "/git/refs/heads/b")).Status);
        Assert.Equal("closed", github.Pull(2)["state"]!.GetValue<string>());
        Assert.Equal("open", github.Pull(1)["state"]!.GetValue<string>());
        Assert.Equal(422, (await bot.SendAsync("PATCH", Repo + "/pulls/2", new JsonObject { ["state"] = "open" })).Status);
    }

    [Fact]
    public async Task A_dispatch_needs_a_workflow_dispatch_trigger()
    {
        using var github = new FakeGitHub();
        using var bot = Http(github);
        var dispatch = new JsonObject { ["ref"] = "main", ["inputs"] = new JsonObject { ["runtime_version"] = "1.2.0" } };
        Assert.Equal(204, (await bot.SendAsync("POST", Repo + "/actions/workflows/cascade.yml/dispatches", dispatch)).Status);
        Assert.Equal(404, (await bot.SendAsync("POST", Repo + "/actions/workflows/none.yml/dispatches", dispatch)).Status);
        Assert.Equal("1.2.0", Assert.Single(github.Dispatches).Inputs["runtime_version"]!.GetValue<string>());
    }
}
