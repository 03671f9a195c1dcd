using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UnitTests.Forges;

/// <summary>
/// A loopback stand-in for Gitea's API v1 (the routes the fleet's forge layer may call, and the Git Data write
/// routes it must not), backed by a real bare git repository. It answers as the given Gitea version does and
/// refuses what that version lacks. Sources, cited per behaviour: go-gitea/gitea routers/api/v1/api.go (routes
/// and their middleware), routers/api/v1/repo/*.go (handlers and status codes), templates/swagger/v1_json.tmpl
/// (request and response shapes), and the issues ENVIRONMENT.md names.
/// </summary>
public sealed class FakeGitea : GitBackedForge
{
    public const string BotToken = "gitea-bot-5f1b2c3d4e";
    public const string ReaderToken = "gitea-reader-9a8b7c6d5e";
    /// <summary>The runner's automatic token: Gitea authenticates it as the built-in actions user.</summary>
    public const string ActionsToken = "gitea-actions-task-0e1f2a3b";

    public static readonly GitIdentity Bot = new("fleet-bot", "fleet-bot@fleet.example");

    // models/user/user_system.go: ActionsUserID = -2, ActionsUserName = "gitea-actions", ActionsEmail = "teabot@gitea.io".
    static readonly User ActionsUser = new(-2, "gitea-actions", "Gitea Actions", "teabot@gitea.io", Access.Write);

    sealed record User(long Id, string Login, string FullName, string Email, Access Access);

    enum Access { None, Read, Write, Admin }

    sealed class PullState
    {
        public required long Number { get; init; }
        public required string Head { get; init; }
        public required string Base { get; set; }
        public required string Title { get; set; }
        public required string Body { get; set; }
        public required User Poster { get; init; }
        public string State { get; set; } = "open";
        public bool Merged { get; set; }
        public string? MergedSha { get; set; }
        public string CreatedAt { get; init; } = Now();
        public string UpdatedAt { get; set; } = Now();
        public string? ClosedAt { get; set; }
        public string? ClosedBy { get; set; }
    }

    readonly Dictionary<string, User> tokens;
    readonly List<User> users;
    readonly List<PullState> pulls = [];
    long nextIndex = 1;

    public Version Version { get; }
    public string VersionText { get; }
    public bool PullRequestsEnabled { get; set; } = true;
    public bool Archived { get; set; }
    public bool Private { get; set; } = true;

    /// <param name="version">The Gitea version to answer as, e.g. "1.24.3" or "1.26.0+dev-12-gabc".</param>
    /// <param name="files">The default branch's files; a fleet with a README, a workflow and two pins by default.</param>
    public FakeGitea(string version = "1.24.3", IReadOnlyDictionary<string, string>? files = null) : base("api/v1/", files ?? DefaultFiles)
    {
        VersionText = version;
        Version = System.Version.Parse(Regex.Match(version, @"^\d+\.\d+\.\d+").Value);
        var bot = new User(7, "fleet-bot", "Fleet Bot", Bot.Email, Access.Write);
        var reader = new User(8, "reader", "Read Only", "reader@fleet.example", Access.Read);
        var alice = new User(3, "alice", Alice.Name, Alice.Email, Access.Admin);
        users = [alice, bot, reader];
        tokens = new() { [BotToken] = bot, [ReaderToken] = reader, [ActionsToken] = ActionsUser };
        // Somebody else's open pull request, listed first on a fresh repository: every run must leave it untouched.
        pulls.Add(new PullState { Number = nextIndex++, Head = UnrelatedBranch, Base = DefaultBranch, Title = "docs: how to add a template", Body = "Written by hand.", Poster = alice });

        Map("GET", "/version", (_, _) => new ForgeReply(200, new JsonObject { ["version"] = VersionText }));
        Map("GET", "/user", (r, _) => Signed(r) is { } u ? Ok(UserJson(u)) : RequireToken());
        var repo = $"/repos/(?<owner>[^/]+)/(?<repo>[^/]+)";
        Map("GET", repo, (r, m) => InRepo(r, m, u => Ok(RepositoryJson(u))));
        Map("GET", repo + "/branches", (r, m) => InRepo(r, m, _ => Ok(new JsonArray([.. Git.Refs("refs/heads/").Select(b => (JsonNode)BranchJson(b.Name["refs/heads/".Length..], b.Sha))]))));
        Map("GET", repo + "/branches/(?<branch>.+)", (r, m) => InRepo(r, m, _ => GetBranch(m.Groups["branch"].Value)));
        Map("POST", repo + "/branches", (r, m) => InRepo(r, m, u => CreateBranch(r, u)));
        Map("DELETE", repo + "/branches/(?<branch>.+)", (r, m) => InRepo(r, m, u => DeleteBranch(m.Groups["branch"].Value, u)));
        Map("GET", repo + "/contents", (r, m) => InRepo(r, m, _ => GetContents(r, "")));
        Map("GET", repo + "/contents/(?<path>.+)", (r, m) => InRepo(r, m, _ => GetContents(r, m.Groups["path"].Value)));
        if (Version >= new Version(1, 20, 0))
            Map("POST", repo + "/contents", (r, m) => InRepo(r, m, u => ChangeFiles(r, u)));
        Map("PUT", repo + "/contents/(?<path>.+)", (r, m) => InRepo(r, m, u => UpdateFile(r, u, m.Groups["path"].Value)));
        Map("GET", repo + "/pulls", (r, m) => InRepo(r, m, _ => ListPulls(r)));
        Map("POST", repo + "/pulls", (r, m) => InRepo(r, m, u => CreatePull(r, u)));
        Map("GET", repo + @"/pulls/(?<index>\d+)", (r, m) => InRepo(r, m, _ => FindPull(m) is { } p ? Ok(PullJson(p)) : NotFound()));
        Map("PATCH", repo + @"/pulls/(?<index>\d+)", (r, m) => InRepo(r, m, u => EditPull(r, u, m)));
        Map("POST", repo + @"/pulls/(?<index>\d+)/update", (r, m) => InRepo(r, m, u => UpdatePull(r, u, m)));
        Map("POST", repo + @"/issues/(?<index>\d+)/comments", (r, m) => InRepo(r, m, u => CreateComment(r, u, m)));
        Map("GET", repo + "/pulls/(?<base>[^/]+)/(?<head>.+)", (r, m) => InRepo(r, m, _ => PullByBaseHead(m.Groups["base"].Value, m.Groups["head"].Value)));
        // The /git routes are read-only (api.go registers only m.Get under /git; go-gitea/gitea#32525, #11835): a POST to
        // /git/blobs, /git/trees or /git/commits matches no route (404); POST /git/refs and PATCH /git/refs/* match GET-only routes (405).
        Map("GET", repo + "/git/refs", (r, m) => InRepo(r, m, _ => GitRefs("refs/")));
        Map("GET", repo + "/git/refs/(?<ref>.+)", (r, m) => InRepo(r, m, _ => GitRefs("refs/" + m.Groups["ref"].Value)));
        Map("GET", repo + "/git/commits/(?<sha>[0-9a-f]+)", (r, m) => InRepo(r, m, _ => GitCommitJson(m.Groups["sha"].Value)));
        Map("GET", repo + "/git/trees/(?<sha>[0-9a-f]+)", (r, m) => InRepo(r, m, _ => GitTree(m.Groups["sha"].Value)));
        Map("GET", repo + "/git/blobs/(?<sha>[0-9a-f]+)", (r, m) => InRepo(r, m, _ => GitBlob(m.Groups["sha"].Value)));
        // api.go: /statuses/{sha}, GET repo.GetCommitStatuses, POST reqToken() + reqRepoWriter(unit.TypeCode) repo.NewCommitStatus.
        // (GET /commits/{ref}/statuses takes a one-segment {ref} before 1.26: no branch with '/' reaches it.)
        Map("GET", repo + "/statuses/(?<sha>[^/]+)", (r, m) => InRepo(r, m, _ => ListStatuses(r, m.Groups["sha"].Value)));
        Map("POST", repo + "/statuses/(?<sha>[^/]+)", (r, m) => InRepo(r, m, u => CreateStatus(r, u, m.Groups["sha"].Value)));
        Map("GET", repo + "/actions/tasks", (r, m) => InRepo(r, m, _ => Ok(new JsonObject { ["workflow_runs"] = new JsonArray(), ["total_count"] = 0 })));
        // routers/api/v1/repo/action.go ActionsDispatchWorkflow: from 1.24 (ENVIRONMENT.md, Gitea Actions).
        if (Version >= new Version(1, 24, 0))
            Map("POST", repo + "/actions/workflows/(?<workflow>[^/]+)/dispatches", (r, m) => InRepo(r, m, u => Dispatch(r, u, m.Groups["workflow"].Value)));
    }

    public static IReadOnlyDictionary<string, string> DefaultFiles { get; } = new Dictionary<string, string>
    {
        ["README.md"] = "# fleet\n",
        [".gitea/workflows/cascade.yml"] = "name: cascade\non:\n  workflow_dispatch:\n    inputs:\n      runtime_version:\n        required: true\njobs: {}\n",
        [".gitea/workflows/bump.yml"] = "name: bump\non:\n  workflow_dispatch:\n    inputs:\n      input:\n        required: true\n      input_version:\n        required: true\n      package_index:\n        required: false\njobs: {}\n",
        ["templates/hermes/pin.json"] = TemplateFleet.Pins.PinFile.Serialize(ForgeUnderTest.OldPin("hermes")),
        ["templates/codex/pin.json"] = TemplateFleet.Pins.PinFile.Serialize(ForgeUnderTest.OldPin("codex")),
    };

    // ---- What tests read and what people do on the forge between two runs ----

    public override (string Bot, string Reader, string Actions) Tokens => (BotToken, ReaderToken, ActionsToken);

    public override IReadOnlyList<JsonObject> Pulls => pulls.Select(PullJson).ToList();

    /// <summary>A person closes a pull request without merging it.</summary>
    public override void PersonCloses(long number)
    {
        var pull = pulls.Single(p => p.Number == number);
        pull.State = "closed";
        pull.ClosedAt = Now();
        pull.ClosedBy = "alice";
    }

    protected override (string Head, string Title) PullHead(long number) => pulls.Where(p => p.Number == number).Select(p => (p.Head, p.Title)).Single();

    protected override void MarkMerged(long number, string sha)
    {
        var pull = pulls.Single(p => p.Number == number);
        pull.State = "closed";
        pull.Merged = true;
        pull.MergedSha = sha;
        pull.ClosedAt = Now();
    }

    // ---- Authentication and repository assignment ----

    User? Signed(ForgeRequest request) => TokenOf(request) is { } token ? tokens.GetValueOrDefault(token) : null;

    protected override ForgeReply? Authenticate(ForgeRequest request)
    {
        // An unknown token: 401 on every route from the fix of go-gitea/gitea#21671 (commit 491cc06, after 1.25);
        // before it the request went on as anonymous (#21671, #24439), and routes with reqToken() answered 401.
        if (TokenOf(request) is { } token && !tokens.ContainsKey(token) && Version >= new Version(1, 26, 0))
            return new ForgeReply(401, Error("user does not exist [uid: 0, name: ]"));
        return null;
    }

    // api.go reqToken(): "token is required" when nobody is signed in.
    ForgeReply RequireToken() => new(401, Error("token is required"));

    // api.go repoAssignment(): an unknown repository, or one the doer may not see, is 404.
    ForgeReply InRepo(ForgeRequest request, Match match, Func<User?, ForgeReply> handler)
    {
        var user = Signed(request);
        if (match.Groups["owner"].Value != Owner || match.Groups["repo"].Value != Repo || (Private && user is null))
            return NotFound();
        return handler(user);
    }

    // api.go reqToken() + reqRepoWriter(unit.TypeCode).
    ForgeReply? RequireWriter(User? user, string message = "user should have a permission to write to a repo") =>
        user is null ? RequireToken() : user.Access < Access.Write ? new ForgeReply(403, Error(message)) : null;

    // ---- Branches (routers/api/v1/repo/branch.go) ----

    ForgeReply GetBranch(string name) =>
        BranchSha(name) is { } sha ? Ok(BranchJson(name, sha)) : NotFound();

    ForgeReply CreateBranch(ForgeRequest request, User? user)
    {
        if (RequireWriter(user) is { } refused)
            return refused;
        var body = request.Body as JsonObject;
        // CreateBranchRepoOption: new_branch_name is required (binding "Required"): 422 from api.go bind().
        if (body?["new_branch_name"]?.GetValue<string>() is not { Length: > 0 } name)
            return new ForgeReply(422, Error("[BranchName]: Required"));
        string from;
        if (body["old_ref_name"]?.GetValue<string>() is { Length: > 0 } oldRef)
            from = Git.Resolve(oldRef) ?? throw new InvalidOperationException($"GetCommit {oldRef}");
        else if (body["old_branch_name"]?.GetValue<string>() is { Length: > 0 } oldBranch)
        {
            if (BranchSha(oldBranch) is not { } sha)
                return new ForgeReply(404, Error("The old branch does not exist"));
            from = sha;
        }
        else
            from = BaseSha;
        // Two requests for one new branch: the second finds it and gets 409 (IsErrBranchAlreadyExists).
        return Git.UpdateRef("refs/heads/" + name, from, expectedOld: null)
            ? new ForgeReply(201, BranchJson(name, from))
            : new ForgeReply(409, Error("The branch already exists."));
    }

    ForgeReply DeleteBranch(string name, User? user)
    {
        if (RequireWriter(user) is { } refused)
            return refused;
        if (name == DefaultBranch)
            return new ForgeReply(403, Error("can not delete default branch"));
        if (!Git.DeleteRef("refs/heads/" + name))
            return NotFound();
        // services/repository/branch.go DeleteBranch -> services/pull/pull.go CloseBranchPulls: every unmerged pull
        // request whose head or base is the branch is closed, by the doer.
        foreach (var pull in pulls.Where(p => p.State == "open" && (p.Head == name || p.Base == name)))
        {
            pull.State = "closed";
            pull.ClosedAt = Now();
            pull.ClosedBy = user!.Login;
        }
        return ForgeReply.NoContent;
    }

    // ---- Contents (routers/api/v1/repo/file.go) ----

    ForgeReply GetContents(ForgeRequest request, string path)
    {
        var reference = request.QueryValue("ref") is { Length: > 0 } r ? r : DefaultBranch;
        var commit = Git.Resolve(reference) ?? Git.Resolve("refs/heads/" + reference);
        if (commit is null)
            return NotFound();
        if (path.Length == 0 || Git.BlobSha(commit, path) is null)
        {
            var entries = Git.Files(commit).Keys.Where(p => path.Length == 0 ? !p.Contains('/') : p.StartsWith(path + "/", StringComparison.Ordinal)).ToList();
            return entries.Count == 0 && path.Length > 0 ? NotFound() : Ok(new JsonArray([.. entries.Select(p => (JsonNode)ContentJson(commit, p, withContent: false))]));
        }
        return Ok(ContentJson(commit, path, withContent: true));
    }

    ForgeReply ChangeFiles(ForgeRequest request, User? user)
    {
        if (user is null)
            return RequireToken();
        if (request.Body is not JsonObject body || body["files"] is not JsonArray files || files.Count == 0)
            return new ForgeReply(422, Error("[Files]: Required"));
        var operations = new List<(string Operation, string Path, string? Content, string? Sha)>();
        foreach (var file in files.OfType<JsonObject>())
        {
            string? content = null;
            if (file["content"]?.GetValue<string>() is { } encoded)
            {
                try
                {
                    content = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                }
                catch (FormatException)
                {
                    return new ForgeReply(422, Error("illegal base64 data at input byte 0"));
                }
            }
            operations.Add((file["operation"]?.GetValue<string>() ?? "", file["path"]?.GetValue<string>() ?? "", content, file["sha"]?.GetValue<string>()));
        }
        return Commit(user, body, operations, single: false);
    }

    ForgeReply UpdateFile(ForgeRequest request, User? user, string path)
    {
        if (user is null)
            return RequireToken();
        if (request.Body is not JsonObject body || body["content"]?.GetValue<string>() is not { } encoded)
            return new ForgeReply(422, Error("[ContentBase64]: Required"));
        return Commit(user, body, [("update", path, Encoding.UTF8.GetString(Convert.FromBase64String(encoded)), body["sha"]?.GetValue<string>())], single: true);
    }

    // services/repository/files/update.go ChangeRepoFiles, errors mapped by handleChangeRepoFilesError (file.go).
    ForgeReply Commit(User user, JsonObject body, List<(string Operation, string Path, string? Content, string? Sha)> operations, bool single)
    {
        var branch = body["branch"]?.GetValue<string>() is { Length: > 0 } b ? b : DefaultBranch;
        var newBranch = body["new_branch"]?.GetValue<string>() is { Length: > 0 } nb ? nb : branch;
        // file.go ReqChangeRepoFileOptionsAndCheck: the doer must be able to write to the target branch.
        if (user.Access < Access.Write)
            return new ForgeReply(403, Error("user should have a permission to write to the target branch"));
        if (BranchSha(branch) is not { } parent)
            return new ForgeReply(404, Error($"branch does not exist [name: {branch}]"));
        var existing = BranchSha(newBranch);
        // force_push (FileOptions) exists from 1.26 (go-gitea/gitea#35592); older versions ignore the unknown field.
        var force = Version >= new Version(1, 26, 0) && body["force_push"]?.GetValue<bool>() == true;
        if (newBranch != branch && existing is not null && !force)
            return new ForgeReply(422, Error($"branch already exists [name: {newBranch}]"));
        var changes = new Dictionary<string, string?>();
        foreach (var (operation, path, content, sha) in operations)
        {
            var current = Git.BlobSha(parent, path);
            switch (operation)
            {
                case "create":
                    if (current is not null)
                        return new ForgeReply(422, Error($"repository file already exists [path: {path}]"));
                    changes[path] = Git.WriteBlob(content ?? "");
                    break;
                case "update" or "delete":
                    if (current is null)
                        return new ForgeReply(404, Error($"repository file does not exist [path: {path}]"));
                    if (sha is not { Length: > 0 })
                        return new ForgeReply(422, Error("a SHA or commit ID must be proved when updating a file"));
                    if (sha != current)
                        return new ForgeReply(422, Error($"sha does not match [given: {sha}, expected: {current}]"));
                    changes[path] = operation == "delete" ? null : Git.WriteBlob(content ?? "");
                    break;
                default:
                    return new ForgeReply(422, Error($"[Operation]: invalid operation '{operation}'"));
            }
        }
        var message = body["message"]?.GetValue<string>() is { Length: > 0 } m ? m : "Update " + string.Join(", ", operations.Select(o => o.Path));
        var author = new GitIdentity(user.Login, user.Email);
        var commit = Git.CommitTree(Git.WriteTree(parent, changes), [parent], message, author);
        var target = "refs/heads/" + newBranch;
        if (force || newBranch == branch)
            Git.ForceRef(target, commit);
        else if (!Git.UpdateRef(target, commit, expectedOld: null))
            return new ForgeReply(422, Error($"branch already exists [name: {newBranch}]"));
        var contents = new JsonArray([.. operations.Select(o => o.Operation == "delete" ? null : (JsonNode)ContentJson(commit, o.Path, withContent: false))]);
        var commitJson = FileCommitJson(commit);
        if (single)
            return Ok(new JsonObject { ["content"] = contents[0]?.DeepClone(), ["commit"] = commitJson, ["verification"] = Verification() });
        return new ForgeReply(201, new JsonObject { ["files"] = contents, ["commit"] = commitJson, ["verification"] = Verification() });
    }

    // ---- Pull requests (routers/api/v1/repo/pull.go) ----

    PullState? FindPull(Match match) => pulls.FirstOrDefault(p => p.Number == long.Parse(match.Groups["index"].Value));

    // ListPullRequests: the swagger lists state, sort, milestone, labels, poster, page and limit: there is no head or
    // base filter, so they are ignored and every pull request of the state comes back, newest first
    // (models/issues/pull_list.go, sortIssuesSession's default). Gitea's main branch adds a base_branch filter; the
    // forge layer never relies on a list filter, it matches head and base itself.
    ForgeReply ListPulls(ForgeRequest request)
    {
        var state = request.QueryValue("state") is { Length: > 0 } s ? s : "open";
        var found = pulls.Where(p => state == "all" || p.State == state).OrderByDescending(p => p.Number);
        return Ok(new JsonArray([.. found.Select(p => (JsonNode)PullJson(p))]));
    }

    // api.go: POST /issues/{index}/comments with reqToken() and mustNotBeArchived (423 "repo is archived"), bound to
    // CreateIssueCommentOption (body: binding "Required", 422); issue/comment.go CreateIssueComment: an unknown index is
    // 404, a comment is 201. A pull request's number is its issue index.
    ForgeReply CreateComment(ForgeRequest request, User? user, Match match)
    {
        if (user is null)
            return RequireToken();
        if (Archived)
            return new ForgeReply(423, Error("repo is archived"));
        if (request.Body?["body"]?.GetValue<string>() is not { Length: > 0 } text)
            return new ForgeReply(422, new JsonArray(new JsonObject { ["fieldNames"] = new JsonArray("Body"), ["classification"] = "RequiredError", ["message"] = "Required" }));
        if (FindPull(match) is not { } pull)
            return NotFound();
        comments.Add((pull.Number, text));
        return new ForgeReply(201, new JsonObject { ["id"] = comments.Count, ["body"] = text, ["user"] = UserJson(user), ["created_at"] = Now() });
    }

    ForgeReply CreatePull(ForgeRequest request, User? user)
    {
        if (user is null)
            return RequireToken();
        if (request.Body is not JsonObject body || body["title"]?.GetValue<string>() is not { Length: > 0 } title)
            return new ForgeReply(422, Error("[Title]: Required"));
        var head = body["head"]?.GetValue<string>() ?? "";
        var @base = body["base"]?.GetValue<string>() ?? "";
        if (head == @base)
            return new ForgeReply(422, Error("Invalid PullRequest: There are no changes between the head and the base"));
        if (head.Contains(':'))
            head = head[(head.IndexOf(':') + 1)..];
        // parseCompareInfo: a missing base or head branch is 404.
        if (BranchSha(@base) is null || BranchSha(head) is null)
            return NotFound();
        // GetUnmergedPullRequest: an open, unmerged pull request of the same head and base is 409, not 422 as on GitHub.
        if (pulls.FirstOrDefault(p => p.State == "open" && !p.Merged && p.Head == head && p.Base == @base) is { } existing)
            return new ForgeReply(409, Error($"pull request already exists for these targets [id: {1000 + existing.Number}, issue_id: {existing.Number}, head_repo_id: 42, base_repo_id: 42, head_branch: {head}, base_branch: {@base}]"));
        var pull = new PullState { Number = nextIndex++, Head = head, Base = @base, Title = title, Body = body["body"]?.GetValue<string>() ?? "", Poster = user };
        pulls.Add(pull);
        return new ForgeReply(201, PullJson(pull));
    }

    ForgeReply EditPull(ForgeRequest request, User? user, Match match)
    {
        if (user is null)
            return RequireToken();
        if (FindPull(match) is not { } pull)
            return NotFound();
        // EditPullRequest: only the poster or a writer of pull requests; the bare status, no body.
        if (pull.Poster.Id != user.Id && user.Access < Access.Write)
            return new ForgeReply(403);
        var body = request.Body as JsonObject ?? [];
        if (body["title"]?.GetValue<string>() is { Length: > 0 } title)
            pull.Title = title;
        if (body["body"] is { } text)
            pull.Body = text.GetValue<string>();
        if (body["state"]?.GetValue<string>() is { } state)
        {
            if (pull.Merged)
                return new ForgeReply(412, Error("cannot change state of this pull request, it was already merged"));
            if (state is not ("open" or "closed"))
                return new ForgeReply(412, Error($"unknown state: {state}"));
            if (state != pull.State)
            {
                pull.State = state;
                pull.ClosedAt = state == "closed" ? Now() : null;
                pull.ClosedBy = state == "closed" ? user.Login : null;
            }
        }
        if (body["base"]?.GetValue<string>() is { Length: > 0 } newBase && newBase != pull.Base)
        {
            if (BranchSha(newBase) is null)
                return new ForgeReply(404, Error($"new base '{newBase}' not exist"));
            pull.Base = newBase;
        }
        pull.UpdatedAt = Now();
        // "TODO this should be 200, not 201" (pull.go): Gitea answers an edit with 201.
        return new ForgeReply(201, PullJson(pull));
    }

    // UpdatePullRequest (POST /pulls/{index}/update): brings the head up to date with the base, by a merge commit or
    // (style=rebase) by replaying the head's commits on the base; 409 on conflicts; 200 with no body.
    ForgeReply UpdatePull(ForgeRequest request, User? user, Match match)
    {
        if (user is null)
            return RequireToken();
        if (FindPull(match) is not { } pull)
            return NotFound();
        if (pull.Merged)
            return new ForgeReply(422, Error("Pull request is already merged"));
        if (user.Access < Access.Write)
            return new ForgeReply(403, Error("user should have a permission to write to the head branch"));
        var head = BranchSha(pull.Head)!;
        var @base = BranchSha(pull.Base)!;
        if (Git.IsAncestor(@base, head))
            return Ok(null);
        var author = new GitIdentity(user.Login, user.Email);
        if (request.QueryValue("style") == "rebase")
        {
            var onto = @base;
            foreach (var commit in CommitsSince(@base, head))
            {
                var info = Git.ReadCommit(commit);
                var tree = Git.MergeTree(onto, commit, info.Parents[0]);
                if (tree is null)
                    return new ForgeReply(409, Error("rebase conflict"));
                onto = Git.CommitTree(tree, [onto], info.Message, author);
            }
            Git.ForceRef("refs/heads/" + pull.Head, onto);
        }
        else
        {
            var tree = Git.MergeTree(head, @base);
            if (tree is null)
                return new ForgeReply(409, Error("merge conflict"));
            Git.ForceRef("refs/heads/" + pull.Head, Git.CommitTree(tree, [head, @base], $"Merge branch '{pull.Base}' into {pull.Head}", author));
        }
        return Ok(null);
    }

    // GetPullRequestByBaseHead -> models/issues/pull.go GetPullRequestByBaseHeadInfo: one row for head and base, with
    // no filter on its state and no order: closed and merged pull requests are found too, the oldest first.
    ForgeReply PullByBaseHead(string @base, string head)
    {
        if (head.Contains(':'))
            head = head[(head.IndexOf(':') + 1)..];
        return pulls.Where(p => p.Base == @base && p.Head == head).OrderBy(p => p.Number).FirstOrDefault() is { } pull
            ? Ok(PullJson(pull))
            : NotFound();
    }

    // ---- Git Data, read-only (routers/api/v1/repo/git_ref.go, commits.go, tree.go, blob.go) ----

    // git_ref.go getGitRefsInternal: refs filtered by prefix; one match is an object, several an array (go-gitea/gitea#38190).
    ForgeReply GitRefs(string prefix)
    {
        var refs = Git.Refs().Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (refs.Count == 0)
            return NotFound();
        var json = refs.Select(r => (JsonNode)new JsonObject
        {
            ["ref"] = r.Name,
            ["url"] = Api($"repos/{Owner}/{Repo}/git/{r.Name}"),
            ["object"] = new JsonObject { ["type"] = "commit", ["sha"] = r.Sha, ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{r.Sha}") },
        }).ToArray();
        return Ok(json.Length == 1 ? json[0] : new JsonArray(json));
    }

    // The commit's tree is under commit.tree, not at the top level as on GitHub.
    ForgeReply GitCommitJson(string sha)
    {
        if (!Git.CommitExists(sha))
            return NotFound();
        var c = Git.ReadCommit(sha);
        var person = new JsonObject { ["name"] = c.Author.Name, ["email"] = c.Author.Email, ["date"] = c.Date.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        return Ok(new JsonObject
        {
            ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{sha}"),
            ["sha"] = sha,
            ["created"] = person["date"]!.DeepClone(),
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/commit/{sha}").ToString(),
            ["commit"] = new JsonObject
            {
                ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{sha}"),
                ["author"] = person,
                ["committer"] = person.DeepClone(),
                ["message"] = c.Message,
                ["tree"] = new JsonObject { ["url"] = Api($"repos/{Owner}/{Repo}/git/trees/{c.Tree}"), ["sha"] = c.Tree, ["created"] = person["date"]!.DeepClone() },
                ["verification"] = Verification(),
            },
            ["author"] = UserRef(c.Author),
            ["committer"] = UserRef(c.Committer),
            ["parents"] = new JsonArray([.. c.Parents.Select(p => (JsonNode)new JsonObject { ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{p}"), ["sha"] = p })]),
        });
    }

    ForgeReply GitTree(string sha) => Git.TreeExists(sha) || Git.CommitExists(sha)
        ? Ok(new JsonObject
        {
            ["sha"] = sha,
            ["url"] = Api($"repos/{Owner}/{Repo}/git/trees/{sha}"),
            ["tree"] = new JsonArray([.. Git.Files(sha).Select(f => (JsonNode)new JsonObject { ["path"] = f.Key, ["mode"] = "100644", ["type"] = "blob", ["sha"] = f.Value })]),
            ["truncated"] = false,
        })
        : new ForgeReply(400, Error($"sha not found [{sha}]"));

    ForgeReply GitBlob(string sha) => Git.BlobExists(sha)
        ? Ok(new JsonObject { ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Git.ReadBlob(sha))), ["encoding"] = "base64", ["url"] = Api($"repos/{Owner}/{Repo}/git/blobs/{sha}"), ["sha"] = sha, ["size"] = Git.ReadBlob(sha).Length })
        : new ForgeReply(400, Error($"object does not exist [id: {sha}, rel_path: ]"));

    // ---- Commit statuses (routers/api/v1/repo/status.go) ----

    // NewCommitStatus: CreateStatusOption carries no binding rules, and models/git/commit_status.go NewCommitStatus stores the
    // state as given (only the texts are trimmed): an unknown state is not refused. services/repository/files
    // CreateCommitStatus opens the commit first; a commit that is not there is the handler's 500 "CreateCommitStatus".
    ForgeReply CreateStatus(ForgeRequest request, User? user, string sha)
    {
        if (RequireWriter(user) is { } refused)
            return refused;
        if (!Git.CommitExists(sha))
            return new ForgeReply(500, Error($"CreateCommitStatus: GetCommit[{sha}]: object does not exist [id: {sha}, rel_path: ]"));
        var body = request.Body as JsonObject ?? [];
        string Text(string key) => (body[key]?.GetValue<string>() ?? "").Trim();
        return new ForgeReply(201, StatusJson(AddStatus(sha, Text("state"), Text("context"), Text("description"), user!.Login)));
    }

    // GetCommitStatuses: every status of the commit, sorted by created_unix descending by default, in pages (limit: default
    // [api] DEFAULT_PAGING_NUM 30, at most MAX_RESPONSE_ITEMS 50); a commit with none, or none there, is an empty list.
    ForgeReply ListStatuses(ForgeRequest request, string sha)
    {
        var limit = Math.Min(int.TryParse(request.QueryValue("limit"), out var l) && l > 0 ? l : 30, 50);
        var page = int.TryParse(request.QueryValue("page"), out var p) && p > 0 ? p : 1;
        return Ok(new JsonArray([.. StatusesOf(sha).Skip((page - 1) * limit).Take(limit).Select(s => (JsonNode)StatusJson(s))]));
    }

    // swagger CommitStatus: the state is under "status".
    JsonObject StatusJson(FakeCommitStatus s) => new()
    {
        ["id"] = s.Id,
        ["status"] = s.State,
        ["target_url"] = "",
        ["description"] = s.Description,
        ["url"] = Api($"repos/{Owner}/{Repo}/statuses/{s.Sha}"),
        ["context"] = s.Context,
        ["creator"] = UserJson(users.Single(u => u.Login == s.Creator)),
        ["created_at"] = s.Time,
        ["updated_at"] = s.Time,
    };

    // ---- Actions ----

    ForgeReply Dispatch(ForgeRequest request, User? user, string workflow)
    {
        if (RequireWriter(user) is { } refused)
            return refused;
        var body = request.Body as JsonObject ?? [];
        if (body["ref"]?.GetValue<string>() is not { Length: > 0 } reference)
            return new ForgeReply(422, Error("ref is required parameter"));
        var branch = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference;
        var commit = BranchSha(branch) ?? Git.Resolve(reference);
        // services/actions/workflow.go DispatchActionWorkflow: the workflow file must exist on the ref and have workflow_dispatch.
        if (commit is null || Git.ReadFile(commit, ".gitea/workflows/" + workflow) is not { } yaml || !yaml.Contains("workflow_dispatch", StringComparison.Ordinal))
            return new ForgeReply(404, Error($"workflow '{workflow}' is not found"));
        dispatches.Add((workflow, reference, (JsonObject)(body["inputs"]?.DeepClone() ?? new JsonObject())));
        return ForgeReply.NoContent;
    }

    // ---- JSON shapes (modules/structs, as the swagger describes them) ----

    JsonObject UserJson(User u) => new()
    {
        ["id"] = u.Id,
        ["login"] = u.Login,
        ["login_name"] = "",
        ["full_name"] = u.FullName,
        ["email"] = u.Email,
        ["avatar_url"] = new Uri(Root, $"avatars/{u.Login}").ToString(),
        ["html_url"] = new Uri(Root, u.Login).ToString(),
        ["language"] = "",
        ["is_admin"] = false,
        ["restricted"] = false,
        ["active"] = true,
        ["prohibit_login"] = false,
        ["visibility"] = "public",
        ["username"] = u.Login,
    };

    JsonObject UserRef(GitIdentity identity) =>
        users.FirstOrDefault(u => u.Email == identity.Email) is { } u ? UserJson(u) : new JsonObject { ["id"] = 0, ["login"] = "", ["email"] = identity.Email };

    JsonObject RepositoryJson(User? user)
    {
        var access = user?.Access ?? (Private ? Access.None : Access.Read);
        return new JsonObject
        {
            ["id"] = 42,
            ["owner"] = new JsonObject { ["id"] = 2, ["login"] = Owner, ["full_name"] = "Molecule", ["username"] = Owner },
            ["name"] = Repo,
            ["full_name"] = $"{Owner}/{Repo}",
            ["empty"] = false,
            ["private"] = Private,
            ["fork"] = false,
            ["mirror"] = false,
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}").ToString(),
            ["url"] = Api($"repos/{Owner}/{Repo}"),
            ["clone_url"] = new Uri(Root, $"{Owner}/{Repo}.git").ToString(),
            ["default_branch"] = DefaultBranch,
            ["archived"] = Archived,
            ["has_pull_requests"] = PullRequestsEnabled,
            ["has_actions"] = true,
            ["open_pr_counter"] = pulls.Count(p => p.State == "open"),
            ["permissions"] = new JsonObject { ["admin"] = access >= Access.Admin, ["push"] = access >= Access.Write, ["pull"] = access >= Access.Read },
        };
    }

    // convert.ToBranch: the head commit as a PayloadCommit, with the author's username when a user has that email.
    JsonObject BranchJson(string name, string sha)
    {
        var c = Git.ReadCommit(sha);
        return new JsonObject
        {
            ["name"] = name,
            ["commit"] = new JsonObject
            {
                ["id"] = sha,
                ["message"] = c.Message + "\n",
                ["url"] = new Uri(Root, $"{Owner}/{Repo}/commit/{sha}").ToString(),
                ["author"] = PayloadUser(c.Author),
                ["committer"] = PayloadUser(c.Committer),
                ["verification"] = Verification(),
                ["timestamp"] = c.Date.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            },
            ["protected"] = name == DefaultBranch,
            ["required_approvals"] = 0,
            ["enable_status_check"] = false,
            ["status_check_contexts"] = new JsonArray(),
            ["user_can_push"] = name != DefaultBranch,
            ["user_can_merge"] = true,
            ["effective_branch_protection_name"] = name == DefaultBranch ? DefaultBranch : "",
        };
    }

    JsonObject PayloadUser(GitIdentity identity) => new()
    {
        ["name"] = identity.Name,
        ["email"] = identity.Email,
        ["username"] = users.FirstOrDefault(u => u.Email == identity.Email)?.Login ?? (identity.Email == ActionsUser.Email ? ActionsUser.Login : ""),
    };

    JsonObject PullJson(PullState p)
    {
        var headSha = BranchSha(p.Head) ?? "";
        return new JsonObject
        {
            ["id"] = 1000 + p.Number,
            ["url"] = new Uri(Root, $"{Owner}/{Repo}/pulls/{p.Number}").ToString(),
            ["number"] = p.Number,
            ["user"] = UserJson(p.Poster),
            ["title"] = p.Title,
            ["body"] = p.Body,
            ["labels"] = new JsonArray(),
            ["state"] = p.State,
            ["is_locked"] = false,
            ["comments"] = 0,
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/pulls/{p.Number}").ToString(),
            ["diff_url"] = new Uri(Root, $"{Owner}/{Repo}/pulls/{p.Number}.diff").ToString(),
            ["mergeable"] = true,
            ["merged"] = p.Merged,
            ["merge_commit_sha"] = p.MergedSha,
            ["base"] = new JsonObject { ["label"] = p.Base, ["ref"] = p.Base, ["sha"] = BranchSha(p.Base) ?? "", ["repo_id"] = 42 },
            ["head"] = new JsonObject { ["label"] = p.Head, ["ref"] = p.Head, ["sha"] = headSha, ["repo_id"] = 42 },
            ["created_at"] = p.CreatedAt,
            ["updated_at"] = p.UpdatedAt,
            ["closed_at"] = p.ClosedAt,
        };
    }

    JsonObject ContentJson(string commit, string path, bool withContent)
    {
        var blob = Git.BlobSha(commit, path)!;
        var content = Git.ReadBlob(blob);
        var json = new JsonObject
        {
            ["name"] = path.Split('/')[^1],
            ["path"] = path,
            ["sha"] = blob,
            ["last_commit_sha"] = commit,
            ["type"] = "file",
            ["size"] = Encoding.UTF8.GetByteCount(content),
            ["url"] = Api($"repos/{Owner}/{Repo}/contents/{path}?ref={commit}"),
            ["git_url"] = Api($"repos/{Owner}/{Repo}/git/blobs/{blob}"),
        };
        if (withContent)
        {
            json["encoding"] = "base64";
            json["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        }
        return json;
    }

    JsonObject FileCommitJson(string sha)
    {
        var c = Git.ReadCommit(sha);
        var person = new JsonObject { ["name"] = c.Author.Name, ["email"] = c.Author.Email, ["date"] = c.Date.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        return new JsonObject
        {
            ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{sha}"),
            ["sha"] = sha,
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/commit/{sha}").ToString(),
            ["author"] = person,
            ["committer"] = person.DeepClone(),
            ["parents"] = new JsonArray([.. c.Parents.Select(p => (JsonNode)new JsonObject { ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{p}"), ["sha"] = p })]),
            ["message"] = c.Message,
            ["tree"] = new JsonObject { ["url"] = Api($"repos/{Owner}/{Repo}/git/trees/{c.Tree}"), ["sha"] = c.Tree },
        };
    }

    static JsonObject Verification() => new() { ["verified"] = false, ["reason"] = "gpg.error.not_signed_commit", ["signature"] = "", ["payload"] = "" };

    // ---- Plumbing ----

    IEnumerable<string> CommitsSince(string @base, string head)
    {
        var chain = new List<string>();
        for (var c = head; c != @base && !Git.IsAncestor(c, @base); c = Git.ReadCommit(c).Parents[0])
            chain.Add(c);
        chain.Reverse();
        return chain;
    }

    string Api(string path) => new Uri(ApiUrl, path).ToString();

    static ForgeReply Ok(JsonNode? json) => new(200, json);

    // context.APIErrorNotFound: a JSON body with the generic message.
    ForgeReply NotFound() => new(404, new JsonObject { ["errors"] = new JsonArray(), ["message"] = "The target couldn't be found.", ["url"] = new Uri(Root, "api/swagger").ToString() });

    JsonObject Error(string message) => new() { ["message"] = message, ["url"] = new Uri(Root, "api/swagger").ToString() };

    // Gitea mounts API v1 on chi: an unmatched path is chi's plain-text 404, a matched path with another method chi's empty 405.
    protected override ForgeReply NoRoute(ForgeRequest request) => new(404, Text: "404 page not found\n");

    protected override ForgeReply WrongMethod(ForgeRequest request) => new(405);

}
