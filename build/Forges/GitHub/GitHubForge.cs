using Octokit;
using Octokit.Internal;

namespace TemplateFleet.Forges.GitHub;

/// <summary>
/// GitHub and GitHub Enterprise through Octokit. GitHub has Git Data writes, so a branch is rebuilt on the base by
/// one commit (blobs, a tree on the base's tree, a commit on the base's head) and a forced ref update, which keeps
/// its pull request open. Pull requests are found by the list's head and base filters, which GitHub honours.
/// </summary>
internal sealed class GitHubForge(Uri api, string token, string owner, string name, TimeSpan timeout) : IForge
{
    readonly IGitHubClient github = Connect(api, token, timeout);
    readonly Uri api = api;

    static GitHubClient Connect(Uri api, string token, TimeSpan timeout)
    {
        // Connection, not GitHubClient(header, uri): the latter rewrites any host but github.com to /api/v3/.
        var connection = new Connection(new ProductHeaderValue("template-fleet-build"), api, new InMemoryCredentialStore(new Credentials(token)));
        connection.SetRequestTimeout(timeout);
        return new GitHubClient(connection);
    }

    public string Description => $"GitHub at {api}";

    public bool RewritingBranchClosesPullRequests => false;

    public async Task<ForgeUser> GetUserAsync(CancellationToken ct)
    {
        try
        {
            return new ForgeUser((await Call(() => github.User.Current(), "reading the token's user")).Login);
        }
        catch (ForgeException e) when (e.InnerException is ForbiddenException forbidden && forbidden.Message.Contains("integration", StringComparison.OrdinalIgnoreCase))
        {
            // rest/users/users#get-the-authenticated-user: an installation token (a workflow's GITHUB_TOKEN) is no user.
            throw ForgeException.ActionsToken("GitHub refuses GET /user for it: it is an installation token");
        }
    }

    public async Task<ForgeRepository> GetRepositoryAsync(CancellationToken ct)
    {
        var repo = await Call(() => github.Repository.Get(owner, name), "reading the repository",
            () => throw new ForgeException($"repository {owner}/{name} was not found on {Description}, or the token's user may not see it: check the forge repository parameter (<owner>/<name>) and the user's access."));
        return new ForgeRepository(repo.FullName, repo.DefaultBranch, repo.Permissions?.Push == true, PullRequestsEnabled: true, repo.Archived);
    }

    public Task<BranchHead?> GetBranchAsync(string branch, CancellationToken ct) => Call<BranchHead?>(async () =>
    {
        var head = await github.Repository.Branch.Get(owner, name, branch);
        var commit = await Call(() => github.Repository.Commit.Get(owner, name, head.Commit.Sha), $"reading the head of {branch}");
        return new BranchHead(head.Name, head.Commit.Sha, commit.Author?.Login, commit.Commit.Author.Name, commit.Commit.Message ?? "");
    }, $"reading branch {branch}", () => null);

    public async Task<bool> CreateBranchAsync(string branch, string from, CancellationToken ct)
    {
        var head = await GetBranchAsync(from, ct) ?? throw new ForgeException($"cannot create branch {branch} in {owner}/{name}: its base branch {from} does not exist.");
        return await CreateReferenceAsync(branch, head.Sha);
    }

    /// <summary>False when the branch exists already.</summary>
    async Task<bool> CreateReferenceAsync(string branch, string sha)
    {
        try
        {
            await Call(() => github.Git.Reference.Create(owner, name, new NewReference($"refs/heads/{branch}", sha)), $"creating branch {branch}");
            return true;
        }
        catch (ApiValidationException e) when (e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
    }

    public async Task DeleteBranchAsync(string branch, CancellationToken ct)
    {
        try
        {
            await Call(() => github.Git.Reference.Delete(owner, name, $"heads/{branch}"), $"deleting branch {branch}");
        }
        catch (ApiValidationException)
        {
            // rest/git/refs#delete-a-reference: 422 for a ref that is gone already.
        }
    }

    public Task<string?> GetFileShaAsync(string path, string branch, CancellationToken ct) => Call<string?>(async () =>
        await github.Repository.Content.GetAllContentsByRef(owner, name, path, branch) is [{ Type.Value: ContentType.File } file]
            ? file.Sha
            : throw new ForgeException($"{path} is not a file on {branch} of {owner}/{name}."), $"reading {path} on {branch}", () => null);

    public async Task<string> WriteBranchAsync(BranchWrite write, CancellationToken ct)
    {
        if ((await GetBranchAsync(write.Branch, ct))?.Sha != write.ExpectedHead)
            throw ForgeException.BranchMoved(write.Branch);
        var baseHead = await GetBranchAsync(write.Base, ct) ?? throw new ForgeException($"base branch {write.Base} does not exist in {owner}/{name}.");
        var baseCommit = await Call(() => github.Git.Commit.Get(owner, name, baseHead.Sha), $"reading {write.Base}'s head");
        var tree = new NewTree { BaseTree = baseCommit.Tree.Sha };
        foreach (var file in write.Files)
        {
            ct.ThrowIfCancellationRequested();
            var blob = await Call(() => github.Git.Blob.Create(owner, name, new NewBlob { Content = file.Content, Encoding = EncodingType.Utf8 }), $"storing {file.Path}");
            tree.Tree.Add(new NewTreeItem { Path = file.Path, Mode = "100644", Type = TreeType.Blob, Sha = blob.Sha });
        }
        var newTree = await Call(() => github.Git.Tree.Create(owner, name, tree), "storing the tree");
        var commit = await Call(() => github.Git.Commit.Create(owner, name, new NewCommit(write.Message, newTree.Sha, baseHead.Sha)), "storing the commit");
        // rest/git/refs#update-a-reference with force: the branch becomes base + pins, its pull request stays open.
        if (!await CreateReferenceAsync(write.Branch, commit.Sha))
            await Call(() => github.Git.Reference.Update(owner, name, $"heads/{write.Branch}", new ReferenceUpdate(commit.Sha, force: true)), $"moving branch {write.Branch}");
        return commit.Sha;
    }

    public async Task<ForgePullRequest?> FindPullRequestAsync(string head, string @base, CancellationToken ct)
    {
        var found = await Call(() => github.PullRequest.GetAllForRepository(owner, name,
            new PullRequestRequest { State = ItemStateFilter.All, Head = $"{owner}:{head}", Base = @base },
            new ApiOptions { PageSize = 100, PageCount = 1 }), $"looking up the pull request of {head}");
        // Filtered by head and base on the server; checked again here, so no other pull request is ever taken.
        var ours = found.Where(p => p.Head.Ref == head && p.Base.Ref == @base).ToList();
        var pick = ours.FirstOrDefault(p => p.State.Value == ItemState.Open) ?? ours.OrderByDescending(p => p.Number).FirstOrDefault();
        return pick is null ? null : ToPullRequest(pick);
    }

    public async Task<ForgePullRequest> CreatePullRequestAsync(string head, string @base, string title, string body, bool draft, CancellationToken ct)
    {
        try
        {
            return ToPullRequest(await Call(() => github.PullRequest.Create(owner, name, new NewPullRequest(title, head, @base) { Body = body, Draft = draft }), $"opening the pull request from {head}"));
        }
        catch (ApiValidationException e) when (e.ApiError?.Errors?.Any(d => d.Message?.Contains("already exists", StringComparison.OrdinalIgnoreCase) == true) == true)
        {
            // rest/pulls/pulls#create-a-pull-request: 422, errors[].message "A pull request already exists for owner:branch."
            throw new PullRequestExistsException($"an open pull request from {head} into {@base} exists already: {string.Join("; ", e.ApiError.Errors.Select(d => d.Message))}");
        }
        catch (ApiValidationException e)
        {
            throw new ForgeException($"{Description} refused the pull request from {head} into {@base}: {string.Join("; ", e.ApiError?.Errors?.Select(d => d.Message ?? $"{d.Field} {d.Code}") ?? [e.Message])}.", e);
        }
    }

    public async Task<ForgePullRequest> UpdatePullRequestAsync(long number, string title, string body, CancellationToken ct) =>
        ToPullRequest(await Call(() => github.PullRequest.Update(owner, name, checked((int)number), new PullRequestUpdate { Title = title, Body = body, State = ItemState.Open }), $"updating pull request #{number}"));

    public async Task<IReadOnlyList<ForgePullRequest>> ListOpenPullRequestsAsync(string @base, CancellationToken ct) =>
        [.. (await Call(() => github.PullRequest.GetAllForRepository(owner, name, new PullRequestRequest { State = ItemStateFilter.Open, Base = @base }), "listing open pull requests"))
            .Where(p => p.Base.Ref == @base).Select(ToPullRequest)];

    // rest/issues/comments#create-an-issue-comment (201), then rest/pulls/pulls#update-a-pull-request with state "closed".
    public async Task ClosePullRequestAsync(long number, string comment, CancellationToken ct)
    {
        await Call(() => github.Issue.Comment.Create(owner, name, checked((int)number), comment), $"commenting on pull request #{number}");
        await Call(() => github.PullRequest.Update(owner, name, checked((int)number), new PullRequestUpdate { State = ItemState.Closed }), $"closing pull request #{number}");
    }

    public Task DispatchWorkflowAsync(string workflowFile, string reference, IReadOnlyDictionary<string, string> inputs, CancellationToken ct) => Call(async () =>
    {
        await github.Actions.Workflows.CreateDispatch(owner, name, workflowFile, new CreateWorkflowDispatch(reference) { Inputs = inputs.ToDictionary(i => i.Key, i => (object)i.Value) });
        return true;
    }, $"starting workflow {workflowFile}", () => throw new ForgeException($"{owner}/{name} has no workflow {workflowFile} on {reference}: generate the workflows and push them."));

    // rest/commits/statuses#create-a-commit-status: 201.
    public async Task SetCommitStatusAsync(string sha, string context, string state, string description, CancellationToken ct) =>
        await Call(() => github.Repository.Status.Create(owner, name, sha, new NewCommitStatus { State = Enum.Parse<CommitState>(state, ignoreCase: true), Context = context, Description = description }),
            $"setting status {context} on {sha}");

    // rest/commits/statuses#list-commit-statuses-for-a-reference: every status, the newest first (all pages).
    public Task<DateTimeOffset?> GetCommitStatusTimeAsync(string sha, string context, CancellationToken ct) => Call(async () =>
        (await github.Repository.Status.GetAll(owner, name, sha)).Where(s => s.Context == context).Select(s => (DateTimeOffset?)s.CreatedAt).Max(),
        $"reading the statuses of {sha}", () => null);

    /// <summary>Octokit's failures as one line each. A 404 (Octokit's NotFoundException) is <paramref name="notFound"/>'s answer;
    /// without it, 404 and 422 go to the caller, which knows what they mean there.</summary>
    async Task<T> Call<T>(Func<Task<T>> call, string doing, Func<T>? notFound = null)
    {
        try
        {
            return await call();
        }
        catch (NotFoundException) when (notFound is not null)
        {
            return notFound();
        }
        catch (Exception e) when (Translate(e, doing) is { } translated)
        {
            throw translated;
        }
    }

    Task Call(Func<Task> call, string doing) => Call(async () =>
    {
        await call();
        return true;
    }, doing);

    ForgeException? Translate(Exception e, string doing) => e switch
    {
        NotFoundException or ApiValidationException => null,
        AuthorizationException => new ForgeException($"{Description} refused the token (HTTP 401 while {doing}: {e.Message}): check the forge token parameter (FORGE_TOKEN); it is never printed.", e),
        ForbiddenException => new ForgeException($"the token's user may not do this in {owner}/{name} (HTTP 403 while {doing}: {e.Message}): give the user write access, or use another token.", e),
        ApiException refused => new ForgeException($"{Description} answered HTTP {(int)refused.StatusCode} while {doing}: {e.Message}.", e),
        HttpRequestException => new ForgeException($"cannot reach the forge at {api} ({e.Message}): check the forge API URL parameter and that the host answers.", e),
        TaskCanceledException => new ForgeException($"cannot reach the forge at {api} (no answer in time while {doing}): check the forge API URL parameter and that the host answers.", e),
        _ => null,
    };

    static ForgePullRequest ToPullRequest(PullRequest p) => new(
        p.Number, p.HtmlUrl,
        p.Merged || p.MergedAt is not null ? PullRequestState.Merged : p.State.Value == ItemState.Open ? PullRequestState.Open : PullRequestState.Closed,
        p.Title, p.Body ?? "", p.Head.Ref, p.Base.Ref);

    public void Dispose()
    {
    }
}
