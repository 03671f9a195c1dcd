using Octokit;
using Octokit.Internal;
using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.Cascade;

public sealed record PullRequestResult(int Number, string Url, bool Created, string Branch, string CommitSha);

/// <summary>Opens, or updates on re-runs, the one pin-bump pull request of a runtime version: the branch
/// cascade/runtime-&lt;version&gt; is (re)built from the base branch with one commit made through the Git Data API.</summary>
public sealed class PullRequestOpener(IGitHubClient github, string owner, string repository)
{
    const string FileMode = "100644";

    /// <param name="apiUrl">The API root as given (e.g. https://host/api/v3/ or a Gitea https://host/api/v1/); used as is.</param>
    /// <param name="token">Secret: sent only in the Authorization header.</param>
    public static PullRequestOpener Create(Uri apiUrl, string token, string ownerAndRepository)
    {
        var parts = ownerAndRepository.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
            throw new FleetException($"repository '{ownerAndRepository}' must be <owner>/<name>.");
        if (string.IsNullOrEmpty(token))
            throw new FleetException("Cascade needs a token to open the pull request; pass the token parameter (it is never printed).");
        var root = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl : new Uri(apiUrl.AbsoluteUri + "/");
        // Connection, not GitHubClient(header, uri): the latter rewrites any non-github.com host to /api/v3/.
        var connection = new Connection(new ProductHeaderValue("template-fleet-build"), root, new InMemoryCredentialStore(new Credentials(token)));
        return new PullRequestOpener(new GitHubClient(connection), parts[0], parts[1]);
    }

    public static PullRequestOpener Create(CascadeOptions options) => Create(options.ApiUrl, options.Token, options.Repository);

    /// <summary>Against the repository's default branch; null when nothing was published.</summary>
    public Task<PullRequestResult?> OpenOrUpdateAsync(PinBump bump, CancellationToken ct) => OpenOrUpdateAsync(bump, baseBranch: null, ct);

    /// <summary>Null when nothing was published: there is no pin to bump. <paramref name="baseBranch"/> null: the default branch.</summary>
    public async Task<PullRequestResult?> OpenOrUpdateAsync(PinBump bump, string? baseBranch, CancellationToken ct)
    {
        if (bump.Changes.Count == 0)
        {
            Log.Warning("No template was published for runtime {Version}: no pull request", bump.RuntimeVersion);
            return null;
        }
        try
        {
            return await OpenOrUpdateCoreAsync(bump, baseBranch, ct);
        }
        catch (ApiException e)
        {
            throw new FleetException($"{owner}/{repository}: the pull-request API answered HTTP {(int)e.StatusCode}: {e.Message}. "
                + "Check the API URL, repository and that the token may push branches and open pull requests.", e);
        }
    }

    async Task<PullRequestResult> OpenOrUpdateCoreAsync(PinBump bump, string? baseBranch, CancellationToken ct)
    {
        var repo = await github.Repository.Get(owner, repository);
        var @base = baseBranch ?? repo.DefaultBranch;
        ct.ThrowIfCancellationRequested();

        var baseRef = await github.Git.Reference.Get(owner, repository, $"heads/{@base}");
        var baseCommit = await github.Git.Commit.Get(owner, repository, baseRef.Object.Sha);

        var tree = new NewTree { BaseTree = baseCommit.Tree.Sha };
        foreach (var change in bump.Changes)
        {
            ct.ThrowIfCancellationRequested();
            var blob = await github.Git.Blob.Create(owner, repository, new NewBlob { Content = change.Content, Encoding = EncodingType.Utf8 });
            tree.Tree.Add(new NewTreeItem { Path = change.Path, Mode = FileMode, Type = TreeType.Blob, Sha = blob.Sha });
        }
        var newTree = await github.Git.Tree.Create(owner, repository, tree);
        var commit = await github.Git.Commit.Create(owner, repository,
            new NewCommit($"{bump.Title}\n\nPins: {string.Join(", ", bump.Changes.Select(c => c.Path))}", newTree.Sha, baseCommit.Sha));

        var branchRef = $"heads/{bump.Branch}";
        if (!await TryCreateBranchAsync($"refs/{branchRef}", commit.Sha))
        {
            // re-run: rebuild the branch on the current base, so the PR never carries stale pins
            await github.Git.Reference.Update(owner, repository, branchRef, new ReferenceUpdate(commit.Sha, force: true));
        }

        var open = await github.PullRequest.GetAllForRepository(owner, repository,
            new PullRequestRequest { State = ItemStateFilter.Open, Head = $"{owner}:{bump.Branch}", Base = @base });
        if (open.FirstOrDefault() is { } existing)
        {
            var updated = await github.PullRequest.Update(owner, repository, existing.Number, new PullRequestUpdate { Title = bump.Title, Body = bump.Body });
            Log.Information("Updated pull request #{Number} {Url}", updated.Number, updated.HtmlUrl);
            return new PullRequestResult(updated.Number, updated.HtmlUrl, false, bump.Branch, commit.Sha);
        }
        var created = await github.PullRequest.Create(owner, repository, new NewPullRequest(bump.Title, bump.Branch, @base) { Body = bump.Body });
        Log.Information("Opened pull request #{Number} {Url}", created.Number, created.HtmlUrl);
        return new PullRequestResult(created.Number, created.HtmlUrl, true, bump.Branch, commit.Sha);
    }

    // Create first and update on "already exists": a GET of refs/heads/<name> answers with a list when
    // <name> is only a prefix of other branches (runtime-1.2 vs runtime-1.2.0), which a single-ref read cannot take.
    async Task<bool> TryCreateBranchAsync(string reference, string sha)
    {
        try
        {
            await github.Git.Reference.Create(owner, repository, new NewReference(reference, sha));
            return true;
        }
        catch (ApiValidationException e) when (e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
    }
}
