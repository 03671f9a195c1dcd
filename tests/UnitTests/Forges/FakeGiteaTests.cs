using System.Text.Json.Nodes;

namespace UnitTests.Forges;

/// <summary>What the Gitea fake answers, request by request: written before any client, from Gitea's sources.</summary>
public sealed class FakeGiteaTests
{
    const string Repo = $"repos/{FakeGitea.Owner}/{FakeGitea.Repo}";

    static ForgeHttp Http(FakeGitea gitea, string? token = FakeGitea.BotToken) => new(gitea.ApiUrl, token);

    [Fact]
    public async Task Version_answers_without_a_token_and_the_repository_reports_permissions()
    {
        using var gitea = new FakeGitea("1.24.3");
        using var anonymous = Http(gitea, token: null);
        var (status, json, _) = await anonymous.GetAsync("version");
        Assert.Equal(200, status);
        Assert.Equal("1.24.3", json!["version"]!.GetValue<string>());

        using var bot = Http(gitea);
        var repo = (await bot.GetAsync(Repo)).Json!;
        Assert.Equal("main", repo["default_branch"]!.GetValue<string>());
        Assert.True(repo["permissions"]!["push"]!.GetValue<bool>());
        using var reader = Http(gitea, FakeGitea.ReaderToken);
        Assert.False((await reader.GetAsync(Repo)).Json!["permissions"]!["push"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("1.24.3", 200)] // before the fix of #21671 an unknown token is anonymous ...
    [InlineData("1.26.0", 401)] // ... after it, 401 on every route
    public async Task An_unknown_token_is_refused_by_the_user_route_in_every_version(string version, int versionStatus)
    {
        using var gitea = new FakeGitea(version);
        using var wrong = Http(gitea, "not-a-token");
        Assert.Equal(versionStatus, (await wrong.GetAsync("version")).Status);
        var (status, json, _) = await wrong.GetAsync("user");
        Assert.Equal(401, status);
        Assert.NotNull(json!["message"]);
        // anonymous: a private repository is not there for it
        Assert.Equal(versionStatus == 200 ? 404 : 401, (await wrong.GetAsync(Repo)).Status);
    }

    [Fact]
    public async Task A_missing_repository_is_404_and_the_actions_token_is_the_gitea_actions_user()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        Assert.Equal(404, (await bot.GetAsync($"repos/{FakeGitea.Owner}/no-such-repo")).Status);
        using var actions = Http(gitea, FakeGitea.ActionsToken);
        Assert.Equal("gitea-actions", (await actions.GetAsync("user")).Json!["login"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_commit_status_is_stored_as_given_listed_newest_first_and_needs_its_commit_and_a_writer()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        var path = $"{Repo}/statuses/{gitea.BaseSha}";
        var created = await bot.SendAsync("POST", path, new JsonObject { ["state"] = "pending", ["context"] = " template-fleet/bump/codex/1.0 ", ["description"] = "bump.yml dispatched" });
        Assert.Equal(201, created.Status);
        Assert.Equal(("pending", "template-fleet/bump/codex/1.0"), (created.Json!["status"]!.GetValue<string>(), created.Json["context"]!.GetValue<string>()));
        // Gitea does not check the state (no binding rule, stored as given)
        Assert.Equal(201, (await bot.SendAsync("POST", path, new JsonObject { ["state"] = "running", ["context"] = "other" })).Status);

        var listed = (JsonArray)(await bot.GetAsync(path)).Json!;
        Assert.Equal(["other", "template-fleet/bump/codex/1.0"], listed.Select(s => s!["context"]!.GetValue<string>()));
        Assert.Single((JsonArray)(await bot.GetAsync(path + "?limit=1&page=2")).Json!);
        Assert.Empty((JsonArray)(await bot.GetAsync($"{Repo}/statuses/{new string('0', 40)}")).Json!);
        Assert.Equal(500, (await bot.SendAsync("POST", $"{Repo}/statuses/{new string('0', 40)}", new JsonObject { ["state"] = "pending" })).Status);
        using var reader = Http(gitea, FakeGitea.ReaderToken);
        Assert.Equal(403, (await reader.SendAsync("POST", path, new JsonObject { ["state"] = "pending" })).Status);
        Assert.Equal(2, gitea.Statuses.Count);
    }

    [Fact]
    public async Task A_token_without_push_cannot_create_branches_or_change_files()
    {
        using var gitea = new FakeGitea();
        using var reader = Http(gitea, FakeGitea.ReaderToken);
        Assert.Equal(403, (await reader.SendAsync("POST", Repo + "/branches", new JsonObject { ["new_branch_name"] = "x", ["old_branch_name"] = "main" })).Status);
        var change = new JsonObject { ["new_branch"] = "x", ["files"] = new JsonArray(new JsonObject { ["operation"] = "create", ["path"] = "a.txt", ["content"] = ForgeHttp.Base64("a") }) };
        Assert.Equal(403, (await reader.SendAsync("POST", Repo + "/contents", change)).Status);
        Assert.Null(gitea.BranchSha("x"));
    }

    [Fact]
    public async Task Git_data_writes_have_no_route()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        var body = new JsonObject { ["content"] = "x" };
        Assert.Equal(404, (await bot.SendAsync("POST", Repo + "/git/blobs", body)).Status);
        Assert.Equal(404, (await bot.SendAsync("POST", Repo + "/git/trees", body)).Status);
        Assert.Equal(404, (await bot.SendAsync("POST", Repo + "/git/commits", body)).Status);
        Assert.Equal(405, (await bot.SendAsync("POST", Repo + "/git/refs", new JsonObject { ["ref"] = "refs/heads/x", ["sha"] = gitea.BaseSha })).Status);
        Assert.Equal(405, (await bot.SendAsync("PATCH", Repo + "/git/refs/heads/main", new JsonObject { ["sha"] = gitea.BaseSha, ["force"] = true })).Status);
        Assert.Null(gitea.BranchSha("x"));
    }

    [Fact]
    public async Task A_ref_read_answers_an_array_when_the_name_prefixes_others_and_a_commit_has_its_tree_under_commit()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        Assert.IsType<JsonObject>((await bot.GetAsync(Repo + "/git/refs/heads/main")).Json);
        gitea.Git.UpdateRef("refs/heads/main-2", gitea.BaseSha, expectedOld: null);
        var refs = Assert.IsType<JsonArray>((await bot.GetAsync(Repo + "/git/refs/heads/main")).Json);
        Assert.Equal(2, refs.Count);

        var commit = (await bot.GetAsync(Repo + "/git/commits/" + gitea.BaseSha)).Json!;
        Assert.Null(commit["tree"]);
        Assert.Equal(gitea.Git.ReadCommit(gitea.BaseSha).Tree, commit["commit"]!["tree"]!["sha"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_pull_request_list_ignores_head_and_base_and_a_duplicate_is_409()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        await bot.SendAsync("POST", Repo + "/branches", new JsonObject { ["new_branch_name"] = "cascade/runtime-1.2.0", ["old_branch_name"] = "main" });
        gitea.PersonCommits("cascade/runtime-1.2.0", "templates/hermes/pin.json", "{}\n");
        var create = new JsonObject { ["head"] = "cascade/runtime-1.2.0", ["base"] = "main", ["title"] = "Bump", ["body"] = "b" };
        var (status, created, _) = await bot.SendAsync("POST", Repo + "/pulls", create);
        Assert.Equal(201, status);
        Assert.Equal(2, created!["number"]!.GetValue<long>());

        var list = (JsonArray)(await bot.GetAsync(Repo + "/pulls?state=open&head=molecule%3Acascade%2Fruntime-1.2.0&base=main")).Json!;
        Assert.Equal([2, 1], list.Select(p => p!["number"]!.GetValue<long>()));

        var duplicate = await bot.SendAsync("POST", Repo + "/pulls", create);
        Assert.Equal(409, duplicate.Status);
        Assert.Contains("already exists", duplicate.Json!["message"]!.GetValue<string>());

        var edit = await bot.SendAsync("PATCH", Repo + "/pulls/2", new JsonObject { ["title"] = "Bump again" });
        Assert.Equal(201, edit.Status);
        Assert.Equal("Bump again", gitea.Pull(2)["title"]!.GetValue<string>());
        Assert.Equal("docs: how to add a template", gitea.Pull(1)["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_base_head_lookup_finds_closed_pull_requests_and_deleting_a_branch_closes_its_pull_requests()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        Assert.Equal(404, (await bot.GetAsync(Repo + "/pulls/main/cascade/runtime-1.2.0")).Status);
        await bot.SendAsync("POST", Repo + "/branches", new JsonObject { ["new_branch_name"] = "cascade/runtime-1.2.0", ["old_branch_name"] = "main" });
        await bot.SendAsync("POST", Repo + "/pulls", new JsonObject { ["head"] = "cascade/runtime-1.2.0", ["base"] = "main", ["title"] = "Bump" });

        Assert.Equal(204, (await bot.SendAsync("DELETE", Repo + "/branches/cascade/runtime-1.2.0")).Status);
        Assert.Equal("closed", gitea.Pull(2)["state"]!.GetValue<string>());
        Assert.Equal("open", gitea.Pull(1)["state"]!.GetValue<string>());
        var found = await bot.GetAsync(Repo + "/pulls/main/cascade/runtime-1.2.0");
        Assert.Equal(200, found.Status);
        Assert.Equal("closed", found.Json!["state"]!.GetValue<string>());
        Assert.Equal(403, (await bot.SendAsync("DELETE", Repo + "/branches/main")).Status);
    }

    [Fact]
    public async Task Two_requests_for_one_new_branch_create_it_once()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        var body = new JsonObject { ["new_branch_name"] = "cascade/runtime-1.3.0", ["old_branch_name"] = "main" };
        var results = await Task.WhenAll(bot.SendAsync("POST", Repo + "/branches", body), bot.SendAsync("POST", Repo + "/branches", body));
        Assert.Equal([201, 409], results.Select(r => r.Status).Order());
    }

    [Theory]
    [InlineData("1.20.0")]
    [InlineData("1.25.2")]
    public async Task Before_1_26_an_existing_new_branch_is_refused_even_with_force_push(string version)
    {
        using var gitea = new FakeGitea(version);
        using var bot = Http(gitea);
        gitea.Git.UpdateRef("refs/heads/x", gitea.BaseSha, expectedOld: null);
        var change = new JsonObject
        {
            ["branch"] = "main",
            ["new_branch"] = "x",
            ["force_push"] = true,
            ["files"] = new JsonArray(new JsonObject { ["operation"] = "create", ["path"] = "a.txt", ["content"] = ForgeHttp.Base64("a") }),
        };
        var (status, json, _) = await bot.SendAsync("POST", Repo + "/contents", change);
        Assert.Equal(422, status);
        Assert.Contains("branch already exists", json!["message"]!.GetValue<string>());
        Assert.Equal(gitea.BaseSha, gitea.BranchSha("x"));
    }

    [Fact]
    public async Task From_1_26_force_push_rebuilds_an_existing_branch_from_the_base()
    {
        using var gitea = new FakeGitea("1.26.0");
        using var bot = Http(gitea);
        gitea.Git.UpdateRef("refs/heads/x", gitea.BaseSha, expectedOld: null);
        gitea.PersonCommits("x", "stale.txt", "stale");
        var change = new JsonObject
        {
            ["branch"] = "main",
            ["new_branch"] = "x",
            ["force_push"] = true,
            ["files"] = new JsonArray(new JsonObject { ["operation"] = "update", ["path"] = "templates/hermes/pin.json", ["content"] = ForgeHttp.Base64("{}\n"), ["sha"] = gitea.Git.BlobSha(gitea.BaseSha, "templates/hermes/pin.json") }),
        };
        var (status, json, _) = await bot.SendAsync("POST", Repo + "/contents", change);
        Assert.Equal(201, status);
        Assert.Equal(gitea.BranchSha("x"), json!["commit"]!["sha"]!.GetValue<string>());
        Assert.Equal(["templates/hermes/pin.json"], gitea.BranchDiff("x"));
    }

    [Fact]
    public async Task Contents_changes_are_checked_against_the_files_on_the_branch()
    {
        using var gitea = new FakeGitea("1.20.0");
        using var bot = Http(gitea);
        JsonObject Change(string operation, string path, string? sha = null) => new()
        {
            ["new_branch"] = "y",
            ["files"] = new JsonArray(new JsonObject { ["operation"] = operation, ["path"] = path, ["content"] = ForgeHttp.Base64("new"), ["sha"] = sha }),
        };
        Assert.Equal(422, (await bot.SendAsync("POST", Repo + "/contents", Change("create", "README.md"))).Status);
        Assert.Equal(422, (await bot.SendAsync("POST", Repo + "/contents", Change("update", "README.md"))).Status);
        Assert.Equal(422, (await bot.SendAsync("POST", Repo + "/contents", Change("update", "README.md", new string('0', 40)))).Status);
        Assert.Equal(404, (await bot.SendAsync("POST", Repo + "/contents", Change("update", "missing.md", new string('0', 40)))).Status);
        Assert.Null(gitea.BranchSha("y"));

        var (status, json, _) = await bot.SendAsync("POST", Repo + "/contents", Change("update", "README.md", gitea.Git.BlobSha("main", "README.md")));
        Assert.Equal(201, status);
        Assert.Equal(["README.md"], gitea.BranchDiff("y"));
        Assert.Equal("fleet-bot@fleet.example", gitea.Git.ReadCommit(json!["commit"]!["sha"]!.GetValue<string>()).Author.Email);
        var single = await bot.GetAsync(Repo + "/contents/README.md?ref=y");
        Assert.Equal(gitea.Git.BlobSha("refs/heads/y", "README.md"), single.Json!["sha"]!.GetValue<string>());
    }

    [Fact]
    public async Task Before_1_20_there_is_no_multi_file_contents_route()
    {
        using var gitea = new FakeGitea("1.19.4");
        using var bot = Http(gitea);
        Assert.Equal(405, (await bot.SendAsync("POST", Repo + "/contents", new JsonObject { ["files"] = new JsonArray() })).Status);
    }

    [Theory]
    [InlineData("1.23.8", 404)]
    [InlineData("1.24.0", 204)]
    public async Task The_dispatch_route_exists_from_1_24(string version, int status)
    {
        using var gitea = new FakeGitea(version);
        using var bot = Http(gitea);
        var dispatch = new JsonObject { ["ref"] = "main", ["inputs"] = new JsonObject { ["runtime_version"] = "1.2.0" } };
        Assert.Equal(status, (await bot.SendAsync("POST", Repo + "/actions/workflows/cascade.yml/dispatches", dispatch)).Status);
        Assert.Equal(status == 204 ? 1 : 0, gitea.Dispatches.Count);
        if (status == 204)
        {
            Assert.Equal(404, (await bot.SendAsync("POST", Repo + "/actions/workflows/nope.yml/dispatches", dispatch)).Status);
            Assert.Equal(422, (await bot.SendAsync("POST", Repo + "/actions/workflows/cascade.yml/dispatches", new JsonObject())).Status);
            using var reader = Http(gitea, FakeGitea.ReaderToken);
            Assert.Equal(403, (await reader.SendAsync("POST", Repo + "/actions/workflows/cascade.yml/dispatches", dispatch)).Status);
        }
    }

    [Fact]
    public async Task Updating_a_pull_request_merges_the_base_into_its_head()
    {
        using var gitea = new FakeGitea();
        using var bot = Http(gitea);
        await bot.SendAsync("POST", Repo + "/branches", new JsonObject { ["new_branch_name"] = "z", ["old_branch_name"] = "main" });
        gitea.PersonCommits("z", "templates/hermes/pin.json", "{}\n");
        await bot.SendAsync("POST", Repo + "/pulls", new JsonObject { ["head"] = "z", ["base"] = "main", ["title"] = "t" });
        gitea.AdvanceBase();
        Assert.Equal(200, (await bot.SendAsync("POST", Repo + "/pulls/2/update")).Status);
        Assert.True(gitea.Git.IsAncestor(gitea.BaseSha, gitea.BranchSha("z")!));
        Assert.Equal(["templates/hermes/pin.json"], gitea.BranchDiff("z"));
    }
}
