using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UnitTests.Forges;

/// <summary>
/// A loopback stand-in for GitHub's REST API (GitHub Enterprise's /api/v3 root): the routes the forge layer calls,
/// with GitHub's shapes and status codes, backed by a real bare git repository. Each behaviour cites the page of
/// GitHub's REST documentation (docs.github.com/rest/...) it follows.
/// </summary>
public sealed class FakeGitHub : GitBackedForge
{
    public const string BotToken = "ghp_fleetbot0123456789abcdefghijklmnopqrst";
    public const string ReaderToken = "ghp_reader0123456789abcdefghijklmnopqrstu";
    /// <summary>An installation token, as a workflow's GITHUB_TOKEN is (prefix ghs_).</summary>
    public const string InstallationToken = "ghs_actions0123456789abcdefghijklmnopqrs";

    sealed record User(long Id, string Login, string Email, bool Push, bool IsApp = false);

    sealed class PullState
    {
        public required int Number { get; init; }
        public required string Head { get; init; }
        public required string Base { get; set; }
        public required string Title { get; set; }
        public required string? Body { get; set; }
        public required User Poster { get; init; }
        public string State { get; set; } = "open";
        public bool Merged { get; set; }
        public string? MergedAt { get; set; }
        public bool Draft { get; init; }
        public string CreatedAt { get; init; } = Now();
        public string UpdatedAt { get; set; } = Now();
    }

    readonly Dictionary<string, User> tokens;
    readonly List<User> users;
    readonly List<PullState> pulls = [];
    int nextNumber = 1;

    public FakeGitHub(IReadOnlyDictionary<string, string>? files = null) : base("api/v3/", files ?? FakeGitea.DefaultFiles.ToDictionary(f => f.Key.Replace(".gitea/", ".github/"), f => f.Value))
    {
        var bot = new User(7, "fleet-bot", "fleet-bot@fleet.example", Push: true);
        var reader = new User(8, "reader", "reader@fleet.example", Push: false);
        var alice = new User(3, "alice", Alice.Email, Push: true);
        var actions = new User(41898282, "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com", Push: true, IsApp: true);
        users = [alice, bot, reader, actions];
        tokens = new() { [BotToken] = bot, [ReaderToken] = reader, [InstallationToken] = actions };
        // Somebody else's open pull request, there before any run: every run must leave it untouched.
        pulls.Add(new PullState { Number = nextNumber++, Head = UnrelatedBranch, Base = DefaultBranch, Title = "docs: how to add a template", Body = "Written by hand.", Poster = alice });

        // rest/meta: the API root lists the hypermedia URLs.
        Map("GET", "/?", (_, _) => Ok(new JsonObject { ["current_user_url"] = Api("user"), ["repository_url"] = Api("repos/{owner}/{repo}") }));
        Map("GET", "/user", (r, _) => GetUser(r));
        var repo = "/repos/(?<owner>[^/]+)/(?<repo>[^/]+)";
        Map("GET", repo, (r, m) => InRepo(r, m, u => Ok(RepositoryJson(u))));
        Map("GET", repo + "/branches/(?<branch>.+)", (r, m) => InRepo(r, m, _ => GetBranch(m.Groups["branch"].Value)));
        Map("GET", repo + "/contents/(?<path>.+)", (r, m) => InRepo(r, m, _ => GetContents(r, m.Groups["path"].Value)));
        Map("GET", repo + "/commits/(?<ref>[^/]+)", (r, m) => InRepo(r, m, _ => GetCommit(m.Groups["ref"].Value)));
        Map("GET", repo + "/git/ref/(?<ref>.+)", (r, m) => InRepo(r, m, _ => GetRef("refs/" + m.Groups["ref"].Value, exact: true)));
        Map("GET", repo + "/git/refs/(?<ref>.+)", (r, m) => InRepo(r, m, _ => GetRef("refs/" + m.Groups["ref"].Value, exact: false)));
        Map("GET", repo + "/git/commits/(?<sha>[0-9a-f]{40})", (r, m) => InRepo(r, m, _ => GitCommit(m.Groups["sha"].Value)));
        Map("POST", repo + "/git/blobs", (r, m) => InRepo(r, m, u => Write(u) ?? CreateBlob(r)));
        Map("POST", repo + "/git/trees", (r, m) => InRepo(r, m, u => Write(u) ?? CreateTree(r)));
        Map("POST", repo + "/git/commits", (r, m) => InRepo(r, m, u => Write(u) ?? CreateCommit(r, u!)));
        Map("POST", repo + "/git/refs", (r, m) => InRepo(r, m, u => Write(u) ?? CreateRef(r)));
        Map("PATCH", repo + "/git/refs/(?<ref>.+)", (r, m) => InRepo(r, m, u => Write(u) ?? UpdateRef("refs/" + m.Groups["ref"].Value, r)));
        Map("DELETE", repo + "/git/refs/(?<ref>.+)", (r, m) => InRepo(r, m, u => Write(u) ?? DeleteRef("refs/" + m.Groups["ref"].Value)));
        Map("GET", repo + "/pulls", (r, m) => InRepo(r, m, _ => ListPulls(r)));
        Map("POST", repo + "/pulls", (r, m) => InRepo(r, m, u => CreatePull(r, u)));
        Map("GET", repo + @"/pulls/(?<number>\d+)", (r, m) => InRepo(r, m, _ => FindPull(m) is { } p ? Ok(PullJson(p)) : NotFound("rest/pulls/pulls#get-a-pull-request")));
        Map("PATCH", repo + @"/pulls/(?<number>\d+)", (r, m) => InRepo(r, m, u => UpdatePull(r, u, m)));
        Map("POST", repo + @"/issues/(?<number>\d+)/comments", (r, m) => InRepo(r, m, u => CreateComment(r, u, m)));
        Map("POST", repo + "/statuses/(?<sha>[^/]+)", (r, m) => InRepo(r, m, u => Write(u) ?? CreateStatus(r, u!, m.Groups["sha"].Value)));
        Map("GET", repo + "/commits/(?<ref>.+)/statuses", (r, m) => InRepo(r, m, _ => ListStatuses(m.Groups["ref"].Value)));
        Map("POST", repo + "/actions/workflows/(?<workflow>[^/]+)/dispatches", (r, m) => InRepo(r, m, u => Write(u) ?? Dispatch(r, m.Groups["workflow"].Value)));
    }

    // ---- What tests read and what people do between two runs ----

    public override (string Bot, string Reader, string Actions) Tokens => (BotToken, ReaderToken, InstallationToken);

    public override IReadOnlyList<JsonObject> Pulls => pulls.Select(PullJson).ToList();

    public override void PersonCloses(long number) => pulls.Single(p => p.Number == number).State = "closed";

    protected override (string Head, string Title) PullHead(long number) => pulls.Where(p => p.Number == number).Select(p => (p.Head, p.Title)).Single();

    protected override void MarkMerged(long number, string sha)
    {
        var pull = pulls.Single(p => p.Number == number);
        pull.State = "closed";
        pull.Merged = true;
        pull.MergedAt = Now();
    }

    // ---- Authentication ----

    User? Signed(ForgeRequest request) => TokenOf(request) is { } token ? tokens.GetValueOrDefault(token) : null;

    // rest/authentication: a token GitHub does not know is 401 "Bad credentials" on every route.
    protected override ForgeReply? Authenticate(ForgeRequest request) =>
        TokenOf(request) is { } token && !tokens.ContainsKey(token)
            ? new ForgeReply(401, new JsonObject { ["message"] = "Bad credentials", ["documentation_url"] = Doc("rest"), ["status"] = "401" })
            : null;

    // rest/users/users#get-the-authenticated-user: needs a user; an installation token is refused with 403.
    ForgeReply GetUser(ForgeRequest request) => Signed(request) switch
    {
        null => new ForgeReply(401, new JsonObject { ["message"] = "Requires authentication", ["documentation_url"] = Doc("rest/users/users#get-the-authenticated-user"), ["status"] = "401" }),
        { IsApp: true } => new ForgeReply(403, new JsonObject { ["message"] = "Resource not accessible by integration", ["documentation_url"] = Doc("rest/users/users#get-the-authenticated-user"), ["status"] = "403" }),
        var u => Ok(UserJson(u)),
    };

    // A private repository that the token cannot see is 404, not 403 (rest/repos/repos#get-a-repository).
    ForgeReply InRepo(ForgeRequest request, Match match, Func<User?, ForgeReply> handler)
    {
        var user = Signed(request);
        if (match.Groups["owner"].Value != Owner || match.Groups["repo"].Value != Repo || user is null)
            return NotFound("rest/repos/repos#get-a-repository");
        return handler(user);
    }

    ForgeReply? Write(User? user) => user is { Push: true }
        ? null
        : new ForgeReply(403, new JsonObject { ["message"] = "Resource not accessible by personal access token", ["documentation_url"] = Doc("rest"), ["status"] = "403" });

    // ---- Repository content ----

    ForgeReply GetBranch(string name) => BranchSha(name) is { } sha
        ? Ok(new JsonObject { ["name"] = name, ["commit"] = CommitJson(sha), ["protected"] = name == DefaultBranch })
        : new ForgeReply(404, new JsonObject { ["message"] = "Branch not found", ["documentation_url"] = Doc("rest/branches/branches#get-a-branch"), ["status"] = "404" });

    ForgeReply GetCommit(string reference) =>
        (Git.Resolve(reference) ?? BranchSha(reference)) is { } sha ? Ok(CommitJson(sha)) : NotFound("rest/commits/commits#get-a-commit");

    ForgeReply GetContents(ForgeRequest request, string path)
    {
        var reference = request.QueryValue("ref") ?? DefaultBranch;
        var commit = Git.Resolve(reference) ?? BranchSha(reference);
        if (commit is null || Git.BlobSha(commit, path) is not { } blob)
            return NotFound("rest/repos/contents#get-repository-content");
        var content = Git.ReadBlob(blob);
        return Ok(new JsonObject
        {
            ["type"] = "file",
            ["encoding"] = "base64",
            ["size"] = Encoding.UTF8.GetByteCount(content),
            ["name"] = path.Split('/')[^1],
            ["path"] = path,
            ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(content)),
            ["sha"] = blob,
            ["url"] = Api($"repos/{Owner}/{Repo}/contents/{path}?ref={reference}"),
            ["git_url"] = Api($"repos/{Owner}/{Repo}/git/blobs/{blob}"),
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/blob/{reference}/{path}").ToString(),
            ["download_url"] = new Uri(Root, $"raw/{Owner}/{Repo}/{reference}/{path}").ToString(),
        });
    }

    // ---- Git Data (rest/git/*) ----

    // rest/git/refs#get-a-reference (git/ref/: exact); the older git/refs/ form also answers a prefix with the list of matches.
    ForgeReply GetRef(string name, bool exact)
    {
        if (Git.Refs().FirstOrDefault(r => r.Name == name) is { Sha: { } sha })
            return Ok(RefJson(name, sha));
        if (exact)
            return NotFound("rest/git/refs#get-a-reference");
        var matching = Git.Refs().Where(r => r.Name.StartsWith(name, StringComparison.Ordinal)).Select(r => (JsonNode)RefJson(r.Name, r.Sha)).ToArray();
        return matching.Length > 0 ? Ok(new JsonArray(matching)) : NotFound("rest/git/refs#get-a-reference");
    }

    ForgeReply GitCommit(string sha) => Git.CommitExists(sha) ? Ok(GitCommitJson(sha)) : NotFound("rest/git/commits#get-a-commit-object");

    // rest/git/blobs#create-a-blob: utf-8 or base64; 201 with the sha.
    ForgeReply CreateBlob(ForgeRequest request)
    {
        if (request.Body?["content"]?.GetValue<string>() is not { } content)
            return Invalid("rest/git/blobs#create-a-blob", "content");
        var encoding = request.Body["encoding"]?.GetValue<string>() ?? "utf-8";
        if (encoding is not ("utf-8" or "base64"))
            return Invalid("rest/git/blobs#create-a-blob", "encoding");
        var sha = Git.WriteBlob(encoding == "base64" ? Encoding.UTF8.GetString(Convert.FromBase64String(content)) : content);
        return new ForgeReply(201, new JsonObject { ["url"] = Api($"repos/{Owner}/{Repo}/git/blobs/{sha}"), ["sha"] = sha });
    }

    // rest/git/trees#create-a-tree: base_tree plus entries (sha, content, or a null sha to delete); only 100644 blobs here.
    ForgeReply CreateTree(ForgeRequest request)
    {
        var baseTree = request.Body?["base_tree"]?.GetValue<string>();
        if (baseTree is not null && !Git.TreeExists(baseTree))
            return Invalid("rest/git/trees#create-a-tree", "base_tree");
        var blobs = new Dictionary<string, string?>();
        foreach (var item in request.Body?["tree"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (item["mode"]?.GetValue<string>() != "100644" || item["type"]?.GetValue<string>() != "blob")
                return Invalid("rest/git/trees#create-a-tree", "tree.mode");
            var path = item["path"]!.GetValue<string>();
            if (item.ContainsKey("sha") && item["sha"] is null)
                blobs[path] = null;
            else if (item["sha"]?.GetValue<string>() is { } sha)
            {
                if (!Git.BlobExists(sha))
                    return Invalid("rest/git/trees#create-a-tree", "tree.sha");
                blobs[path] = sha;
            }
            else
                blobs[path] = Git.WriteBlob(item["content"]?.GetValue<string>() ?? "");
        }
        var tree = Git.WriteTree(baseTree, blobs);
        return new ForgeReply(201, new JsonObject
        {
            ["sha"] = tree,
            ["url"] = Api($"repos/{Owner}/{Repo}/git/trees/{tree}"),
            ["tree"] = new JsonArray([.. Git.Files(tree).Select(f => (JsonNode)new JsonObject { ["path"] = f.Key, ["mode"] = "100644", ["type"] = "blob", ["sha"] = f.Value })]),
            ["truncated"] = false,
        });
    }

    ForgeReply CreateCommit(ForgeRequest request, User user)
    {
        var tree = request.Body?["tree"]?.GetValue<string>();
        var parents = request.Body?["parents"]?.AsArray().Select(p => p!.GetValue<string>()).ToArray() ?? [];
        if (tree is null || !Git.TreeExists(tree) || parents.Any(p => !Git.CommitExists(p)))
            return Invalid("rest/git/commits#create-a-commit", "tree");
        var sha = Git.CommitTree(tree, parents, request.Body!["message"]?.GetValue<string>() ?? "", new GitIdentity(user.Login, user.Email));
        return new ForgeReply(201, GitCommitJson(sha));
    }

    // rest/git/refs#create-a-reference: 422 "Reference already exists".
    ForgeReply CreateRef(ForgeRequest request)
    {
        var name = request.Body?["ref"]?.GetValue<string>() ?? "";
        var sha = request.Body?["sha"]?.GetValue<string>() ?? "";
        if (!name.StartsWith("refs/", StringComparison.Ordinal) || name.Count(c => c == '/') < 2)
            return Unprocessable("rest/git/refs#create-a-reference", "Reference name is invalid");
        if (!Git.CommitExists(sha))
            return Unprocessable("rest/git/refs#create-a-reference", "Object does not exist");
        return Git.UpdateRef(name, sha, expectedOld: null)
            ? new ForgeReply(201, RefJson(name, sha))
            : Unprocessable("rest/git/refs#create-a-reference", "Reference already exists");
    }

    // rest/git/refs#update-a-reference: without force only a fast-forward.
    ForgeReply UpdateRef(string name, ForgeRequest request)
    {
        if (Git.Refs().FirstOrDefault(r => r.Name == name) is not { Sha: { } old })
            return Unprocessable("rest/git/refs#update-a-reference", "Reference does not exist");
        var sha = request.Body?["sha"]?.GetValue<string>() ?? "";
        if (!Git.CommitExists(sha))
            return Unprocessable("rest/git/refs#update-a-reference", "Object does not exist");
        if (request.Body?["force"]?.GetValue<bool>() != true && !Git.IsAncestor(old, sha))
            return Unprocessable("rest/git/refs#update-a-reference", "Update is not a fast forward");
        Git.ForceRef(name, sha);
        return Ok(RefJson(name, sha));
    }

    // rest/git/refs#delete-a-reference: 204; deleting a pull request's head branch closes the pull request.
    ForgeReply DeleteRef(string name)
    {
        if (!Git.DeleteRef(name))
            return Unprocessable("rest/git/refs#delete-a-reference", "Reference does not exist");
        foreach (var pull in pulls.Where(p => p.State == "open" && "refs/heads/" + p.Head == name))
            pull.State = "closed";
        return ForgeReply.NoContent;
    }

    // ---- Pull requests (rest/pulls/pulls) ----

    PullState? FindPull(Match match) => pulls.FirstOrDefault(p => p.Number == int.Parse(match.Groups["number"].Value));

    // rest/pulls/pulls#list-pull-requests: state (default open), head as "user:ref-name", base; newest first.
    ForgeReply ListPulls(ForgeRequest request)
    {
        var state = request.QueryValue("state") ?? "open";
        IEnumerable<PullState> found = pulls.Where(p => state == "all" || p.State == state);
        if (request.QueryValue("head") is { } head)
            found = found.Where(p => $"{Owner}:{p.Head}" == head);
        if (request.QueryValue("base") is { } @base)
            found = found.Where(p => p.Base == @base);
        found = request.QueryValue("direction") == "asc" ? found.OrderBy(p => p.Number) : found.OrderByDescending(p => p.Number);
        return Ok(new JsonArray([.. found.Select(p => (JsonNode)PullJson(p))]));
    }

    // rest/pulls/pulls#create-a-pull-request: 422 with errors[] for an existing pull request or a branch without commits.
    ForgeReply CreatePull(ForgeRequest request, User? user)
    {
        if (Write(user) is { } refused)
            return refused;
        var head = request.Body?["head"]?.GetValue<string>() ?? "";
        if (head.StartsWith(Owner + ":", StringComparison.Ordinal))
            head = head[(Owner.Length + 1)..];
        var @base = request.Body?["base"]?.GetValue<string>() ?? "";
        if (BranchSha(head) is null)
            return Validation("rest/pulls/pulls#create-a-pull-request", new JsonObject { ["resource"] = "PullRequest", ["field"] = "head", ["code"] = "invalid" });
        if (BranchSha(@base) is null)
            return Validation("rest/pulls/pulls#create-a-pull-request", new JsonObject { ["resource"] = "PullRequest", ["field"] = "base", ["code"] = "invalid" });
        if (pulls.Any(p => p.State == "open" && p.Head == head && p.Base == @base))
            return Validation("rest/pulls/pulls#create-a-pull-request", new JsonObject { ["resource"] = "PullRequest", ["code"] = "custom", ["message"] = $"A pull request already exists for {Owner}:{head}." });
        if (Git.IsAncestor(BranchSha(head)!, BranchSha(@base)!))
            return Validation("rest/pulls/pulls#create-a-pull-request", new JsonObject { ["resource"] = "PullRequest", ["code"] = "custom", ["message"] = $"No commits between {@base} and {head}" });
        var pull = new PullState { Number = nextNumber++, Head = head, Base = @base, Title = request.Body!["title"]?.GetValue<string>() ?? "", Body = request.Body["body"]?.GetValue<string>(), Poster = user!, Draft = request.Body["draft"]?.GetValue<bool>() == true };
        pulls.Add(pull);
        return new ForgeReply(201, PullJson(pull));
    }

    // rest/issues/comments#create-an-issue-comment: 201 with the comment; 404 for an unknown issue, 422 without a body.
    // A pull request is an issue of the same number.
    ForgeReply CreateComment(ForgeRequest request, User? user, Match match)
    {
        if (user is null)
            return new ForgeReply(401, new JsonObject { ["message"] = "Requires authentication", ["documentation_url"] = Doc("rest"), ["status"] = "401" });
        if (FindPull(match) is not { } pull)
            return NotFound("rest/issues/comments#create-an-issue-comment");
        if (request.Body?["body"]?.GetValue<string>() is not { Length: > 0 } text)
            return Validation("rest/issues/comments#create-an-issue-comment", new JsonObject { ["resource"] = "IssueComment", ["field"] = "body", ["code"] = "missing_field" });
        comments.Add((pull.Number, text));
        return new ForgeReply(201, new JsonObject { ["id"] = comments.Count, ["body"] = text, ["user"] = UserJson(user), ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/pull/{pull.Number}#issuecomment-{comments.Count}").ToString() });
    }

    // rest/pulls/pulls#update-a-pull-request: 200; a pull request whose head branch is gone cannot be reopened.
    ForgeReply UpdatePull(ForgeRequest request, User? user, Match match)
    {
        if (Write(user) is { } refused)
            return refused;
        if (FindPull(match) is not { } pull)
            return NotFound("rest/pulls/pulls#update-a-pull-request");
        var body = request.Body as JsonObject ?? [];
        if (body["state"]?.GetValue<string>() is { } state && state != pull.State)
        {
            if (state == "open" && BranchSha(pull.Head) is null)
                return Validation("rest/pulls/pulls#update-a-pull-request", new JsonObject { ["resource"] = "PullRequest", ["code"] = "custom", ["field"] = "state", ["message"] = $"state cannot be changed. The {pull.Head} branch has been deleted." });
            pull.State = state;
        }
        if (body["title"]?.GetValue<string>() is { } title)
            pull.Title = title;
        if (body.ContainsKey("body"))
            pull.Body = body["body"]?.GetValue<string>();
        pull.UpdatedAt = Now();
        return Ok(PullJson(pull));
    }

    // rest/actions/workflows#create-a-workflow-dispatch-event: 204; the workflow must have a workflow_dispatch trigger.
    ForgeReply Dispatch(ForgeRequest request, string workflow)
    {
        var reference = request.Body?["ref"]?.GetValue<string>() ?? "";
        var commit = Git.Resolve(reference) ?? BranchSha(reference);
        if (commit is null || Git.ReadFile(commit, ".github/workflows/" + workflow) is not { } yaml)
            return NotFound("rest/actions/workflows#create-a-workflow-dispatch-event");
        if (!yaml.Contains("workflow_dispatch", StringComparison.Ordinal))
            return Unprocessable("rest/actions/workflows#create-a-workflow-dispatch-event", "Workflow does not have 'workflow_dispatch' trigger");
        dispatches.Add((workflow, reference, (JsonObject)(request.Body?["inputs"]?.DeepClone() ?? new JsonObject())));
        return ForgeReply.NoContent;
    }

    // ---- Commit statuses ----

    // rest/commits/statuses#create-a-commit-status: 201; state is one of error, failure, pending, success, anything else is
    // 422 "state is not included in the list" (as travis-ci/travis-ci#1283 shows it); a commit that is not there is 422
    // "No commit found for SHA".
    ForgeReply CreateStatus(ForgeRequest request, User user, string sha)
    {
        var body = request.Body as JsonObject ?? [];
        var state = body["state"]?.GetValue<string>() ?? "";
        if (state is not ("error" or "failure" or "pending" or "success"))
            return Validation("rest/commits/statuses#create-a-commit-status", new JsonObject { ["resource"] = "Status", ["code"] = "custom", ["field"] = "state", ["message"] = "state is not included in the list" });
        if (!Git.CommitExists(sha))
            return Unprocessable("rest/commits/statuses#create-a-commit-status", $"No commit found for SHA: {sha}");
        return new ForgeReply(201, StatusJson(AddStatus(sha, state, body["context"]?.GetValue<string>() ?? "default", body["description"]?.GetValue<string>() ?? "", user.Login)));
    }

    // rest/commits/statuses#list-commit-statuses-for-a-reference: the ref is a sha, branch or tag; the newest first. A ref
    // that names no commit: 404, as rest/commits/commits#get-a-commit answers it. One page (the tests set fewer than 30).
    ForgeReply ListStatuses(string reference) =>
        (Git.Resolve(reference) ?? BranchSha(reference)) is { } sha
            ? Ok(new JsonArray([.. StatusesOf(sha).Select(s => (JsonNode)StatusJson(s))]))
            : NotFound("rest/commits/statuses#list-commit-statuses-for-a-reference");

    JsonObject StatusJson(FakeCommitStatus s) => new()
    {
        ["url"] = Api($"repos/{Owner}/{Repo}/statuses/{s.Sha}"),
        ["id"] = s.Id,
        ["node_id"] = $"SC_{s.Id}",
        ["state"] = s.State,
        ["description"] = s.Description,
        ["target_url"] = null,
        ["context"] = s.Context,
        ["created_at"] = s.Time,
        ["updated_at"] = s.Time,
        ["creator"] = UserJson(users.Single(u => u.Login == s.Creator)),
    };

    // ---- JSON shapes ----

    JsonObject UserJson(User u) => new() { ["login"] = u.Login, ["id"] = u.Id, ["type"] = u.IsApp ? "Bot" : "User", ["site_admin"] = false };

    JsonObject RepositoryJson(User? user) => new()
    {
        ["id"] = 4242,
        ["node_id"] = "R_kgDOfleet",
        ["name"] = Repo,
        ["full_name"] = $"{Owner}/{Repo}",
        ["private"] = true,
        ["owner"] = new JsonObject { ["login"] = Owner, ["id"] = 1, ["type"] = "Organization" },
        ["html_url"] = new Uri(Root, $"{Owner}/{Repo}").ToString(),
        ["url"] = Api($"repos/{Owner}/{Repo}"),
        ["default_branch"] = DefaultBranch,
        ["archived"] = false,
        ["permissions"] = new JsonObject { ["admin"] = false, ["maintain"] = false, ["push"] = user?.Push == true, ["triage"] = user?.Push == true, ["pull"] = true },
    };

    // rest/commits/commits#get-a-commit: the GitHub user of the author, or null when the email belongs to nobody.
    JsonObject CommitJson(string sha)
    {
        var c = Git.ReadCommit(sha);
        return new JsonObject
        {
            ["sha"] = sha,
            ["node_id"] = "C_" + sha[..10],
            ["url"] = Api($"repos/{Owner}/{Repo}/commits/{sha}"),
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/commit/{sha}").ToString(),
            ["commit"] = GitCommitJson(sha),
            ["author"] = users.FirstOrDefault(u => u.Email == c.Author.Email) is { } a ? UserJson(a) : null,
            ["committer"] = users.FirstOrDefault(u => u.Email == c.Committer.Email) is { } m ? UserJson(m) : null,
            ["parents"] = new JsonArray([.. c.Parents.Select(p => (JsonNode)new JsonObject { ["sha"] = p, ["url"] = Api($"repos/{Owner}/{Repo}/commits/{p}") })]),
        };
    }

    JsonObject GitCommitJson(string sha)
    {
        var c = Git.ReadCommit(sha);
        var person = new JsonObject { ["name"] = c.Author.Name, ["email"] = c.Author.Email, ["date"] = c.Date.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        return new JsonObject
        {
            ["sha"] = sha,
            ["node_id"] = "GC_" + sha[..10],
            ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{sha}"),
            ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/commit/{sha}").ToString(),
            ["author"] = person,
            ["committer"] = person.DeepClone(),
            ["message"] = c.Message,
            ["tree"] = new JsonObject { ["sha"] = c.Tree, ["url"] = Api($"repos/{Owner}/{Repo}/git/trees/{c.Tree}") },
            ["parents"] = new JsonArray([.. c.Parents.Select(p => (JsonNode)new JsonObject { ["sha"] = p, ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{p}") })]),
            ["verification"] = new JsonObject { ["verified"] = false, ["reason"] = "unsigned", ["signature"] = null, ["payload"] = null },
        };
    }

    JsonObject RefJson(string name, string sha) => new()
    {
        ["ref"] = name,
        ["node_id"] = "REF_" + sha[..8],
        ["url"] = Api($"repos/{Owner}/{Repo}/git/{name}"),
        ["object"] = new JsonObject { ["type"] = "commit", ["sha"] = sha, ["url"] = Api($"repos/{Owner}/{Repo}/git/commits/{sha}") },
    };

    JsonObject PullJson(PullState p) => new()
    {
        ["url"] = Api($"repos/{Owner}/{Repo}/pulls/{p.Number}"),
        ["id"] = 1000 + p.Number,
        ["node_id"] = $"PR_{p.Number}",
        ["html_url"] = new Uri(Root, $"{Owner}/{Repo}/pull/{p.Number}").ToString(),
        ["number"] = p.Number,
        ["state"] = p.State,
        ["locked"] = false,
        ["title"] = p.Title,
        ["body"] = p.Body,
        ["user"] = UserJson(p.Poster),
        ["created_at"] = p.CreatedAt,
        ["updated_at"] = p.UpdatedAt,
        ["head"] = BranchRef(p.Head),
        ["base"] = BranchRef(p.Base),
        ["draft"] = p.Draft,
        // rest/pulls/pulls#list-pull-requests lists merged_at; "merged" is in the single pull request's answer too.
        ["merged"] = p.Merged,
        ["merged_at"] = p.MergedAt,
    };

    JsonObject BranchRef(string name) => new()
    {
        ["label"] = $"{Owner}:{name}",
        ["ref"] = name,
        ["sha"] = BranchSha(name) ?? "",
        ["user"] = new JsonObject { ["login"] = Owner, ["id"] = 1, ["type"] = "Organization" },
        ["repo"] = RepositoryJson(null),
    };

    string Api(string path) => new Uri(ApiUrl, path).ToString();

    static string Doc(string page) => "https://docs.github.com/" + page;

    static ForgeReply Ok(JsonNode? json) => new(200, json);

    static ForgeReply NotFound(string doc) => new(404, new JsonObject { ["message"] = "Not Found", ["documentation_url"] = Doc(doc), ["status"] = "404" });

    static ForgeReply Unprocessable(string doc, string message) => new(422, new JsonObject { ["message"] = message, ["documentation_url"] = Doc(doc), ["status"] = "422" });

    static ForgeReply Invalid(string doc, string field) =>
        Validation(doc, new JsonObject { ["resource"] = "Git", ["field"] = field, ["code"] = "invalid" });

    // rest/using-the-rest-api/troubleshooting: validation failures are 422 with the failing fields in errors[].
    static ForgeReply Validation(string doc, JsonObject error) =>
        new(422, new JsonObject { ["message"] = "Validation Failed", ["errors"] = new JsonArray(error), ["documentation_url"] = Doc(doc), ["status"] = "422" });

    protected override ForgeReply NoRoute(ForgeRequest request) => NotFound("rest");

    protected override ForgeReply WrongMethod(ForgeRequest request) => NotFound("rest");

    protected override void AddHeaders(HttpListenerResponse response) => response.Headers["X-GitHub-Media-Type"] = "github.v3; format=json";

}
