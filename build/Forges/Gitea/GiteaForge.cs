using System.Text;

namespace TemplateFleet.Forges.Gitea;

/// <summary>
/// Gitea's API v1, 1.20 and later. Gitea has no Git Data writes (its /git routes are read-only), so files change
/// through POST /contents; a branch is rebuilt on the base with force_push from 1.26, and before that by deleting and
/// recreating it (which closes its pull request: <see cref="RewritingBranchClosesPullRequests"/>). Pull requests
/// are looked up by GET /pulls/{base}/{head}: the list route ignores head and base.
/// </summary>
internal sealed class GiteaForge(GiteaApi api, GiteaVersion version, string owner, string name) : IForge
{
    /// <summary>models/user/user_system.go: the user the runner's automatic Actions token acts as.</summary>
    internal const string ActionsUser = "gitea-actions";

    string Repo => $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(name)}";

    public string Description => $"Gitea {version} at {api.Root}";

    public bool RewritingBranchClosesPullRequests => !version.HasForcePush;

    public async Task<ForgeUser> GetUserAsync(CancellationToken ct)
    {
        var login = Read(await api.GetAsync("user", ct), "reading the token's user").Read<ForgeUser>().Login;
        if (string.Equals(login, ActionsUser, StringComparison.OrdinalIgnoreCase))
            throw ForgeException.ActionsToken($"{Description} knows it as its built-in '{ActionsUser}' user");
        return new ForgeUser(login);
    }

    public async Task<ForgeRepository> GetRepositoryAsync(CancellationToken ct)
    {
        var response = await api.GetAsync(Repo, ct);
        if (response.Status == 404)
            throw new ForgeException($"repository {owner}/{name} was not found on {Description}, or the token's user may not see it: check the forge repository parameter (<owner>/<name>) and the user's access.");
        var repo = Read(response, "reading the repository").Read<RepositoryJson>();
        return new ForgeRepository(repo.FullName, repo.DefaultBranch, repo.Permissions?.Push == true, repo.HasPullRequests, repo.Archived);
    }

    public async Task<BranchHead?> GetBranchAsync(string branch, CancellationToken ct)
    {
        var response = await api.GetAsync($"{Repo}/branches/{GiteaApi.Escape(branch)}", ct);
        if (!response.Found($"reading branch {branch}"))
            return null;
        var json = response.Read<BranchJson>();
        var author = json.Commit.Author;
        return new BranchHead(json.Name, json.Commit.Id, author?.Username is { Length: > 0 } login ? login : null, author?.Name ?? "", json.Commit.Message ?? "");
    }

    public async Task<bool> CreateBranchAsync(string branch, string from, CancellationToken ct)
    {
        // old_branch_name: deprecated for old_ref_name, but the one every supported version takes (branch.go CreateBranch).
        var response = await api.SendAsync(HttpMethod.Post, $"{Repo}/branches", new { NewBranchName = branch, OldBranchName = from }, ct);
        if (response.Status == 404)
            throw new ForgeException($"cannot create branch {branch} in {owner}/{name}: its base branch {from} does not exist.");
        return Expect(response, $"create branch {branch}", $"creating branch {branch}", 201, 409).Status == 201;
    }

    public async Task DeleteBranchAsync(string branch, CancellationToken ct) =>
        Expect(await api.SendAsync(HttpMethod.Delete, $"{Repo}/branches/{GiteaApi.Escape(branch)}", null, ct), $"delete branch {branch}", $"deleting branch {branch}", 204, 404);

    public async Task<string?> GetFileShaAsync(string path, string branch, CancellationToken ct)
    {
        var response = await api.GetAsync($"{Repo}/contents/{GiteaApi.Escape(path)}?ref={Uri.EscapeDataString(branch)}", ct);
        if (!response.Found($"reading {path} on {branch}"))
            return null;
        if (response.Text.TrimStart().StartsWith('['))
            throw new ForgeException($"{path} is a folder on {branch} of {owner}/{name}, not a file.");
        return response.Read<ShaJson>().Sha;
    }

    public async Task<string> WriteBranchAsync(BranchWrite write, CancellationToken ct)
    {
        var current = await GetBranchAsync(write.Branch, ct);
        if (current?.Sha != write.ExpectedHead)
            throw ForgeException.BranchMoved(write.Branch);
        if (!version.HasForcePush && current is not null)
        {
            // Before 1.26 an existing branch cannot be moved onto the base through the API: delete it (Gitea closes
            // its pull requests, services/pull/pull.go CloseBranchPulls) and make it again from the base.
            await DeleteBranchAsync(write.Branch, ct);
        }
        var files = write.Files.Select(f => new { Operation = f.BaseBlobSha is null ? "create" : "update", f.Path, Content = Convert.ToBase64String(Encoding.UTF8.GetBytes(f.Content)), Sha = f.BaseBlobSha });
        var response = await api.SendAsync(HttpMethod.Post, $"{Repo}/contents",
            new { Branch = write.Base, NewBranch = write.Branch, write.Message, Files = files, ForcePush = version.HasForcePush ? true : (bool?)null }, ct);
        if (response.Status is 404 or 422)
            throw new ForgeException($"Gitea refused the pins for {write.Branch} (HTTP {response.Status}: {response.Message}); the base branch {write.Base} may have moved while the cascade ran: run it again.");
        return Expect(response, $"write files to {write.Branch}", $"writing files to {write.Branch}", 201).Read<FilesJson>().Commit.Sha;
    }

    public async Task<ForgePullRequest?> FindPullRequestAsync(string head, string @base, CancellationToken ct)
    {
        if (@base.Contains('/'))
            throw new ForgeException($"base branch '{@base}' has a '/', which Gitea's lookup route GET /pulls/{{base}}/{{head}} cannot take: use a base branch without '/'.");
        var response = await api.GetAsync($"{Repo}/pulls/{Uri.EscapeDataString(@base)}/{GiteaApi.Escape(head)}", ct);
        if (!response.Found($"looking up the pull request of {head}"))
            return null;
        var found = ToPullRequest(response.Read<PullJson>());
        if (found.State == PullRequestState.Open)
            return found;
        // The lookup returns one row for head and base, of any state, the oldest first (models/issues/pull.go
        // GetPullRequestByBaseHeadInfo): an open one opened later is only in the list, which is filtered here by
        // exact head and base because Gitea ignores those filters.
        return (await ListOpenPullRequestsAsync(@base, ct)).FirstOrDefault(p => p.Head == head) ?? found;
    }

    // ListPullRequests (GET /pulls?state=open, all pages): it ignores head and base, so both are matched here.
    public async Task<IReadOnlyList<ForgePullRequest>> ListOpenPullRequestsAsync(string @base, CancellationToken ct) =>
        [.. (await PagesAsync<PullJson>($"{Repo}/pulls?state=open", "listing open pull requests", ct)).Where(p => p.Base.Ref == @base).Select(ToPullRequest)];

    // POST /repos/{owner}/{repo}/issues/{index}/comments (api.go: reqToken, mustNotBeArchived; issue/comment.go
    // CreateIssueComment, 201), then EditPullRequest with state "closed" (201).
    public async Task ClosePullRequestAsync(long number, string comment, CancellationToken ct)
    {
        Expect(await api.SendAsync(HttpMethod.Post, $"{Repo}/issues/{number}/comments", new { Body = comment }, ct), $"comment on pull request #{number}", $"commenting on pull request #{number}", 201);
        Expect(await api.SendAsync(HttpMethod.Patch, $"{Repo}/pulls/{number}", new { State = "closed" }, ct), $"close pull request #{number}", $"closing pull request #{number}", 200, 201);
    }

    public async Task<ForgePullRequest> CreatePullRequestAsync(string head, string @base, string title, string body, bool draft, CancellationToken ct)
    {
        var response = await api.SendAsync(HttpMethod.Post, $"{Repo}/pulls", new { Head = head, Base = @base, Title = title, Body = body }, ct);
        // pull.go CreatePullRequest: an open pull request of the same head and base is 409 on Gitea.
        if (response.Status == 409)
            throw new PullRequestExistsException($"an open pull request from {head} into {@base} exists already: {response.Message}");
        if (response.Status == 404)
            throw ForgeException.BranchMoved(head);
        return ToPullRequest(Expect(response, $"open a pull request from {head}", $"opening the pull request from {head}", 201).Read<PullJson>());
    }

    public async Task<ForgePullRequest> UpdatePullRequestAsync(long number, string title, string body, CancellationToken ct)
    {
        var response = await api.SendAsync(HttpMethod.Patch, $"{Repo}/pulls/{number}", new { Title = title, Body = body, State = "open" }, ct);
        if (response.Status == 412)
            throw new ForgeException($"pull request #{number} cannot be reopened: {response.Message}.");
        // pull.go EditPullRequest answers 201 ("TODO this should be 200, not 201"); 200 is taken too.
        return ToPullRequest(Expect(response, $"edit pull request #{number}", $"updating pull request #{number}", 200, 201).Read<PullJson>());
    }

    public async Task DispatchWorkflowAsync(string workflowFile, string reference, IReadOnlyDictionary<string, string> inputs, CancellationToken ct)
    {
        if (!version.HasWorkflowDispatchApi)
            throw new ForgeException($"{Description} has no API to start a workflow (POST .../actions/workflows/{{file}}/dispatches came with Gitea 1.24): upgrade Gitea, or start {workflowFile} by hand.");
        var response = await api.SendAsync(HttpMethod.Post, $"{Repo}/actions/workflows/{Uri.EscapeDataString(workflowFile)}/dispatches", new { Ref = reference, Inputs = inputs }, ct);
        if (response.Status == 404)
            throw new ForgeException($"{owner}/{name} has no workflow {workflowFile} with a workflow_dispatch trigger on {reference} ({response.Message}): generate the workflows (./build.sh --generate-configuration) and push them.");
        Expect(response, $"start workflow {workflowFile}", $"starting workflow {workflowFile}", 204);
    }

    // POST /statuses/{sha} (api.go: reqToken, reqRepoWriter; repo/status.go NewCommitStatus: 201; an unknown commit fails
    // CreateCommitStatus's GetCommit, which the handler answers with 500).
    public async Task SetCommitStatusAsync(string sha, string context, string state, string description, CancellationToken ct) =>
        Expect(await api.SendAsync(HttpMethod.Post, $"{Repo}/statuses/{Uri.EscapeDataString(sha)}", new { State = state, Context = context, Description = description }, ct),
            $"set a commit status on {sha}", $"setting status {context} on {sha}", 201);

    // GET /statuses/{sha} (repo/status.go GetCommitStatuses), not /commits/{ref}/statuses: before 1.26 its {ref} is one path
    // segment and a marker branch has '/'. Every status of the commit, the newest first (all pages).
    public async Task<DateTimeOffset?> GetCommitStatusTimeAsync(string sha, string context, CancellationToken ct) =>
        (await PagesAsync<StatusJson>($"{Repo}/statuses/{Uri.EscapeDataString(sha)}", $"reading the statuses of {sha}", ct))
            .Where(s => s.Context == context).Select(s => (DateTimeOffset?)s.CreatedAt).Max();

    /// <summary>Every item of a list route, page by page (`page` and `limit` after the path's own query); a page shorter than `limit` is the last.</summary>
    async Task<List<T>> PagesAsync<T>(string path, string doing, CancellationToken ct)
    {
        const int limit = 50;
        var all = new List<T>();
        for (var page = 1; ; page++)
        {
            var response = await api.GetAsync($"{path}{(path.Contains('?') ? '&' : '?')}page={page}&limit={limit}", ct);
            if (response.Status != 200)
                throw response.Unexpected(doing);
            var items = response.Read<List<T>>();
            all.AddRange(items);
            if (items.Count < limit)
                return all;
        }
    }

    /// <summary>The answer to a read when it is 200; 401 is the refused token, anything else unexpected.</summary>
    GiteaResponse Read(GiteaResponse response, string doing) => response.Status switch
    {
        200 => response,
        401 => throw new ForgeException($"{Description} refused the token (HTTP 401 on {response.Request}: {response.Message}): check the forge token parameter (FORGE_TOKEN); it is never printed."),
        _ => throw response.Unexpected(doing),
    };

    /// <summary>The answer to a write when its status is one of <paramref name="ok"/>; 403 is the user's missing right to <paramref name="what"/>, anything else unexpected.</summary>
    GiteaResponse Expect(GiteaResponse response, string what, string doing, params int[] ok) =>
        ok.Contains(response.Status) ? response : throw (response.Status == 403
            ? new ForgeException($"the token's user may not {what} in {owner}/{name} (HTTP 403: {response.Message}): give the user write access to the repository, or use another token.")
            : response.Unexpected(doing));

    static ForgePullRequest ToPullRequest(PullJson p) => new(
        p.Number, p.HtmlUrl ?? p.Url ?? "",
        p.Merged ? PullRequestState.Merged : p.State == "open" ? PullRequestState.Open : PullRequestState.Closed,
        p.Title, p.Body ?? "", p.Head.Ref, p.Base.Ref);

    public void Dispose() => api.Dispose();

    // Request and response shapes of templates/swagger/v1_json.tmpl, only the fields used here.
    sealed record PermissionsJson(bool Push);

    sealed record RepositoryJson(string FullName, string DefaultBranch, bool Archived, bool HasPullRequests, PermissionsJson? Permissions);

    sealed record PayloadUserJson(string? Name, string? Email, string? Username);

    sealed record PayloadCommitJson(string Id, string? Message, PayloadUserJson? Author);

    sealed record BranchJson(string Name, PayloadCommitJson Commit);

    /// <summary>A file of GET /contents, or the commit of POST /contents (its FileResponse's "commit").</summary>
    sealed record ShaJson(string Sha);

    sealed record FilesJson(ShaJson Commit);

    sealed record PullBranchJson(string Ref);

    sealed record StatusJson(string Context, DateTimeOffset CreatedAt);

    sealed record PullJson(long Number, string? HtmlUrl, string? Url, string State, bool Merged, string Title, string? Body, PullBranchJson Head, PullBranchJson Base);
}
