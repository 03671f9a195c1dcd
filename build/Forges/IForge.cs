using TemplateFleet.PullRequests;
namespace TemplateFleet.Forges;

/// <summary>
/// What the fleet needs from a forge, in the forge's own terms, one native client per forge (Gitea: its API v1
/// through HttpClient; GitHub: Octokit). Nothing here decides policy: which pull request is ours, when a branch
/// may be rewritten, what a closed pull request means, all that lives in <see cref="PinProposer"/>.
/// </summary>
public interface IForge : IDisposable
{
    /// <summary>For messages: "Gitea 1.24.3 at https://host/api/v1" or "GitHub at https://api.github.com/".</summary>
    string Description { get; }

    /// <summary>
    /// Rewriting a branch (bringing it onto the current base) closes its open pull request, which then has to be
    /// reopened: Gitea before 1.26 can only delete and recreate a branch through its API.
    /// </summary>
    bool RewritingBranchClosesPullRequests { get; }

    /// <summary>The token's user. A refused token, or the runner's automatic Actions token, is a <see cref="ForgeException"/>.</summary>
    Task<ForgeUser> GetUserAsync(CancellationToken ct);

    /// <summary>The repository as the token sees it; missing or invisible is a <see cref="ForgeException"/>.</summary>
    Task<ForgeRepository> GetRepositoryAsync(CancellationToken ct);

    /// <summary>Null when there is no such branch.</summary>
    Task<BranchHead?> GetBranchAsync(string branch, CancellationToken ct);

    /// <summary>Creates <paramref name="branch"/> at <paramref name="from"/>'s head; false when it exists already.</summary>
    Task<bool> CreateBranchAsync(string branch, string from, CancellationToken ct);

    Task DeleteBranchAsync(string branch, CancellationToken ct);

    /// <summary>The blob id of a file on a branch, or null when the file is not there.</summary>
    Task<string?> GetFileShaAsync(string path, string branch, CancellationToken ct);

    /// <summary>Makes <see cref="BranchWrite.Branch"/> exactly its base plus the files, in one commit; returns that commit.
    /// A branch that is not at <see cref="BranchWrite.ExpectedHead"/> any more is a <see cref="ForgeException"/>.</summary>
    Task<string> WriteBranchAsync(BranchWrite write, CancellationToken ct);

    /// <summary>The pull request from <paramref name="head"/> into <paramref name="base"/>: the open one if any, else the latest of any state; never another.</summary>
    Task<ForgePullRequest?> FindPullRequestAsync(string head, string @base, CancellationToken ct);

    /// <summary>Opens a pull request; an open one for the same head and base is a <see cref="PullRequestExistsException"/>.</summary>
    /// <param name="draft">Work in progress: GitHub opens it as a draft; Gitea reads that from the title's "WIP:" prefix instead.</param>
    Task<ForgePullRequest> CreatePullRequestAsync(string head, string @base, string title, string body, bool draft, CancellationToken ct);

    /// <summary>Every open pull request into <paramref name="base"/> (all pages); callers match heads themselves.</summary>
    Task<IReadOnlyList<ForgePullRequest>> ListOpenPullRequestsAsync(string @base, CancellationToken ct);

    /// <summary>Comments on the pull request, then closes it; its branch stays.</summary>
    Task ClosePullRequestAsync(long number, string comment, CancellationToken ct);

    /// <summary>Sets title and body, and opens the pull request again if it was closed.</summary>
    Task<ForgePullRequest> UpdatePullRequestAsync(long number, string title, string body, CancellationToken ct);

    /// <summary>Starts a workflow_dispatch run of <paramref name="workflowFile"/> on <paramref name="reference"/>.</summary>
    Task DispatchWorkflowAsync(string workflowFile, string reference, IReadOnlyDictionary<string, string> inputs, CancellationToken ct);

    /// <summary>Sets a commit status on <paramref name="sha"/>; <paramref name="state"/> is pending, success, error or failure.</summary>
    Task SetCommitStatusAsync(string sha, string context, string state, string description, CancellationToken ct);

    /// <summary>When the newest status of <paramref name="context"/> on commit <paramref name="sha"/> was set; null when it has none.</summary>
    Task<DateTimeOffset?> GetCommitStatusTimeAsync(string sha, string context, CancellationToken ct);
}

public sealed record ForgeUser(string Login);

public sealed record ForgeRepository(string FullName, string DefaultBranch, bool CanPush, bool PullRequestsEnabled, bool Archived);

/// <summary>A branch's head commit, who wrote it (<see cref="AuthorLogin"/>: null when the forge knows no user for it) and its message.</summary>
public sealed record BranchHead(string Name, string Sha, string? AuthorLogin, string AuthorName, string Message = "");

public enum PullRequestState
{
    Open,
    Closed,
    Merged,
}

public sealed record ForgePullRequest(long Number, string Url, PullRequestState State, string Title, string Body, string Head, string Base);

/// <summary>
/// What <see cref="IForge.WriteBranchAsync"/> makes of a branch. <see cref="ExpectedHead"/>: the head the caller saw
/// (null: no branch); a branch that moved since is not overwritten, so two runs or a person's push are never lost.
/// </summary>
public sealed record BranchWrite(string Branch, string Base, IReadOnlyList<PinFileChange> Files, string Message, string? ExpectedHead);
