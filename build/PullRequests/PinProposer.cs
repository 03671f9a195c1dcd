using Serilog;
using TemplateFleet.Forges;

namespace TemplateFleet.PullRequests;

/// <summary>Where the pull request of one key (a runtime version's cascade, a release) stands on the forge, read from its branch and pull request.</summary>
public enum CascadeState
{
    /// <summary>Neither the branch nor a pull request exists.</summary>
    NotStarted,

    /// <summary>The branch exists without a pull request: a cascade made it first thing (the in-progress marker), or was interrupted.</summary>
    Started,

    /// <summary>The pull request is open and its branch holds only the cascade's own commits.</summary>
    Proposed,

    /// <summary>The pull request was closed by the cascade itself while it rebuilt the branch (Gitea before 1.26), and the run stopped there.</summary>
    Interrupted,

    ClosedByPerson,

    Merged,

    /// <summary>The branch's head commit is somebody else's: a person changed the branch.</summary>
    ChangedByPerson,
}

public sealed record CascadeStatus(CascadeState State, string Branch, BranchHead? Head, ForgePullRequest? PullRequest)
{
    /// <summary>True where the cascade may (re)write the branch and the pull request.</summary>
    public bool MayPropose => State is CascadeState.NotStarted or CascadeState.Started or CascadeState.Proposed or CascadeState.Interrupted;
}

public sealed record ForgeReadiness(string Forge, string User, string Repository, string BaseBranch, string BaseSha, CascadeStatus? Cascade);

public enum ProposalOutcome
{
    Opened,
    Updated,

    /// <summary>The branch and the pull request were exactly this proposal already: nothing was written.</summary>
    Unchanged,

    NothingToPropose,
}

public sealed record ProposalResult(ProposalOutcome Outcome, string Branch, long? Number = null, string? Url = null, string? CommitSha = null, IReadOnlyList<string>? Files = null);

/// <summary>
/// The one pull request per <see cref="ProposalKey"/>, on any forge. It is found by its branch (cascade/runtime-&lt;version&gt;,
/// pins/&lt;revision&gt;) and never by anything that could match another pull request. Its branch is always exactly the current base plus
/// the pin files of this run. What a re-run does, by the state it finds:
/// <list type="bullet">
/// <item>no branch, or only the branch (a cascade in progress, or one that was interrupted): open the pull request;</item>
/// <item>an open pull request whose branch holds only the cascade's commits: rebuild the branch on the base and update it;</item>
/// <item>a pull request a person closed, a merged one, or a branch a person committed to: leave it alone and say so
/// (as Renovate leaves a closed pull request of the same branch alone); reopening it lets the next run update it.</item>
/// </list>
/// </summary>
public sealed class PinProposer(IForge forge, string? baseBranch = null)
{
    /// <summary>Put into the body before a rewrite that closes the pull request; a run that finds it closed with this knows the close was its own.</summary>
    public const string RebuildingMarker = "<!-- template-fleet cascade: rebuilding this branch on the base; the close that follows is the cascade's own -->";

    /// <summary>Gitea's first default work-in-progress prefix (modules/setting/repository.go WorkInProgressPrefixes: "WIP:", "[WIP]").</summary>
    public const string WorkInProgressPrefix = "WIP: ";

    /// <summary>Refuses paths that could land outside the repository: absolute, '..', backslashes, empty parts; and a file named twice.</summary>
    public static void Validate(IReadOnlyList<PinFileChange> files)
    {
        if (files.FirstOrDefault(f => f.Path.Length == 0 || f.Path.StartsWith('/') || f.Path.Contains('\\') || f.Path.Split('/').Any(p => p is "" or "." or "..")) is { } file)
            throw new ForgeException($"file path '{file.Path}' must be relative to the repository root, with '/' between its parts.");
        if (files.Select(f => f.Path).Distinct(StringComparer.Ordinal).Count() != files.Count)
            throw new ForgeException("the proposal names one file twice.");
    }

    /// <summary>
    /// The message of the one commit on the branch. It names the files it changes and the base commit it was made
    /// on, so a later run can tell that the branch is already exactly that and leave it (and its gates run) alone.
    /// </summary>
    public static string CommitMessage(string title, IEnumerable<string> paths, string baseSha) => $"{title}\n\nFiles: {string.Join(", ", paths)}\nBase: {baseSha}";

    /// <summary>
    /// Checks before anything is built or pushed: the token and its user, the repository and the right to push,
    /// the base branch, and (given a key) that the pull request of that key may be written.
    /// Each refusal is one line that says what to do.
    /// </summary>
    public async Task<ForgeReadiness> PreflightAsync(ProposalKey? key, CancellationToken ct)
    {
        var (user, repository, @base, baseHead) = await CheckAccessAsync(ct);
        var status = key is null ? null : await StatusAsync(key, @base, user, ct);
        if (status is { PullRequest: { } pull, MayPropose: false, Head: var head })
            throw new ForgeException(status.State switch
            {
                CascadeState.Merged => $"pull request #{pull.Number} for {key} was merged ({pull.Url}): the pull request for {key} is done, and a re-run does not open another. A new runtime version or a new release opens its own.",
                CascadeState.ClosedByPerson => $"pull request #{pull.Number} for {key} was closed without merging ({pull.Url}): the cascade leaves it alone. Reopen it to have this run update it.",
                _ => $"branch {status.Branch} of pull request #{pull.Number} has a commit by {head!.AuthorLogin ?? head.AuthorName} ({head.Sha[..Math.Min(12, head.Sha.Length)]}): the cascade does not overwrite a person's changes. Merge or close #{pull.Number}, or reset the branch to the cascade's last commit, then run again.",
            });
        Log.Information("Forge ready: {Forge}, {Repository} as {User}, base {Base}{Cascade}", forge.Description, repository.FullName, user.Login, @base,
            status is null ? "" : $", pull request for {key}: {status.State}");
        return new ForgeReadiness(forge.Description, user.Login, repository.FullName, @base, baseHead.Sha, status);
    }

    /// <summary>Where the pull request of <paramref name="key"/> stands; nothing is written.</summary>
    public async Task<CascadeStatus> StatusAsync(ProposalKey key, CancellationToken ct)
    {
        var (user, _, @base, _) = await CheckAccessAsync(ct);
        return await StatusAsync(key, @base, user, ct);
    }

    /// <summary>
    /// Makes the key's branch at the base's head, first thing: the marker that a cascade for that version has
    /// started, so that a second trigger does not start another. False when the branch exists already.
    /// </summary>
    public async Task<bool> MarkStartedAsync(ProposalKey key, CancellationToken ct)
    {
        var created = await forge.CreateBranchAsync(key.Branch, baseBranch ?? (await forge.GetRepositoryAsync(ct)).DefaultBranch, ct);
        Log.Information(created ? "Cascade for {Version} marked as started: branch {Branch}" : "Cascade for {Version}: branch {Branch} exists already", key.Version, key.Branch);
        return created;
    }

    /// <summary>Removes a marker branch that has no pull request (a trigger that could not start its cascade).</summary>
    public async Task UnmarkAsync(ProposalKey key, CancellationToken ct)
    {
        var status = await StatusAsync(key, ct);
        if (status.State == CascadeState.Started)
            await forge.DeleteBranchAsync(status.Branch, ct);
    }

    /// <summary>Opens or updates the pull request of the proposal's key with exactly its pins on the current base.</summary>
    public async Task<ProposalResult> ProposeAsync(IProposal proposal, CancellationToken ct)
    {
        Validate(proposal.Files);
        var branch = proposal.Key.Branch;
        var readiness = await PreflightAsync(proposal.Key, ct);
        var status = readiness.Cascade!;
        var @base = readiness.BaseBranch;

        var files = new List<PinFileChange>();
        foreach (var file in proposal.Files)
        {
            var onBase = await forge.GetFileShaAsync(file.Path, @base, ct);
            if (proposal.BuiltFrom.TryGetValue(file.Path, out var before) && onBase != (before is null ? null : PinFileChange.BlobSha(before)))
                throw new ForgeException($"{file.Path} changed on {@base} since this run started (another bump or the cascade merged first): its pin is not written over the newer one. Run it again on {@base}: it rebuilds on the new pins.");
            if (onBase != PinFileChange.BlobSha(file.Content))
                files.Add(file with { BaseBlobSha = onBase });
        }
        if (files.Count == 0)
        {
            Log.Warning("No pin differs from {Base} for {Subject}: no pull request", @base, proposal.Key.ToString());
            return new ProposalResult(ProposalOutcome.NothingToPropose, branch, status.PullRequest?.Number, status.PullRequest?.Url, Files: []);
        }

        var pull = status.PullRequest;
        var body = proposal.RenderBody();
        var paths = files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
        string commit;
        if (status.Head is { } head && await IsAlreadyAsync(head, readiness.BaseSha, files, ct))
        {
            // A re-run with the same pins on the same base: rewriting would only churn the branch (and, before
            // Gitea 1.26, close and reopen the pull request) and start its gates again.
            commit = head.Sha;
            Log.Information("Branch {Branch} is {Base} plus {Files} already", branch, @base, string.Join(", ", paths));
        }
        else
        {
            var marked = forge.RewritingBranchClosesPullRequests && pull is { State: PullRequestState.Open } && status.Head is not null;
            if (marked)
                await forge.UpdatePullRequestAsync(pull!.Number, pull.Title, pull.Body + "\n" + RebuildingMarker, ct);
            try
            {
                commit = await forge.WriteBranchAsync(new BranchWrite(branch, @base, files, CommitMessage(proposal.Title, paths, readiness.BaseSha), status.Head?.Sha), ct);
            }
            catch (ForgeException) when (marked)
            {
                // Nothing was rewritten: the marker must not outlive this run, or a person's later close would look like ours.
                await forge.UpdatePullRequestAsync(pull!.Number, pull.Title, pull.Body, CancellationToken.None);
                throw;
            }
            Log.Information("Branch {Branch} is {Base} plus {Files}", branch, @base, string.Join(", ", paths));
            if (marked)
                pull = pull! with { State = PullRequestState.Closed };
        }

        var outcome = pull is null ? ProposalOutcome.Opened
            : pull.State == PullRequestState.Open && pull.Title == proposal.Title && pull.Body == body && commit == status.Head?.Sha ? ProposalOutcome.Unchanged
            : ProposalOutcome.Updated;
        if (pull is null)
        {
            try
            {
                pull = await forge.CreatePullRequestAsync(branch, @base, proposal.Title, body, proposal.WorkInProgress, ct);
            }
            catch (PullRequestExistsException e)
            {
                // Another run opened it between the lookup and now: it is the same pull request, by its branch.
                pull = await forge.FindPullRequestAsync(branch, @base, ct)
                    ?? throw new ForgeException($"{forge.Description} says a pull request from {branch} exists, but does not find it: {e.Message}", e);
                outcome = ProposalOutcome.Updated;
            }
        }
        if (outcome == ProposalOutcome.Updated)
            pull = await forge.UpdatePullRequestAsync(pull.Number, proposal.Title, body, ct);
        Log.Information("{Outcome:l} pull request #{Number} {Url}", outcome.ToString(), pull.Number, pull.Url);
        if (proposal.Key.Kind == ProposalKind.Bump)
            await SupersedeAsync(proposal.Key, pull, @base, readiness.User, ct);
        return new ProposalResult(outcome, branch, pull.Number, pull.Url, commit, paths);
    }

    /// <summary>The branch is the cascade's one commit of exactly these files on exactly this base.</summary>
    async Task<bool> IsAlreadyAsync(BranchHead head, string baseSha, IReadOnlyList<PinFileChange> files, CancellationToken ct)
    {
        var lines = head.Message.ReplaceLineEndings("\n").Split('\n');
        var paths = files.Select(f => f.Path).Order(StringComparer.Ordinal);
        if (!lines.Contains($"Base: {baseSha}") || !lines.Contains($"Files: {string.Join(", ", paths)}"))
            return false;
        foreach (var file in files)
        {
            if (await forge.GetFileShaAsync(file.Path, head.Name, ct) != PinFileChange.BlobSha(file.Content))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Closes the bump's own open pull requests for other versions of the same input, each with a comment naming the one
    /// that supersedes it. A pull request whose branch a person committed to is left alone, as everywhere else.
    /// </summary>
    async Task SupersedeAsync(ProposalKey key, ForgePullRequest by, string @base, string user, CancellationToken ct)
    {
        var prefix = ProposalKey.BumpBranches(key.Subject);
        foreach (var old in await forge.ListOpenPullRequestsAsync(@base, ct))
        {
            if (old.Number == by.Number || !old.Head.StartsWith(prefix, StringComparison.Ordinal)
                || !string.Equals((await forge.GetBranchAsync(old.Head, ct))?.AuthorLogin, user, StringComparison.OrdinalIgnoreCase))
                continue;
            await forge.ClosePullRequestAsync(old.Number, $"Superseded by #{by.Number} ({by.Url}): {key}. Closed by the bump, not by a person; a superseded version is not proposed again.", ct);
            Log.Information("Closed pull request #{Number} ({Head}): superseded by #{By}", old.Number, old.Head, by.Number);
        }
    }

    async Task<(ForgeUser User, ForgeRepository Repository, string Base, BranchHead BaseHead)> CheckAccessAsync(CancellationToken ct)
    {
        var user = await forge.GetUserAsync(ct);
        var repository = await forge.GetRepositoryAsync(ct);
        if (repository.Archived)
            throw new ForgeException($"{repository.FullName} is archived on {forge.Description}: nothing can be pushed to it.");
        if (!repository.CanPush)
            throw new ForgeException($"{user.Login} may not push to {repository.FullName} on {forge.Description}: give the user write access (or use a token of a user who has it); the cascade pushes a branch and opens a pull request.");
        if (!repository.PullRequestsEnabled)
            throw new ForgeException($"pull requests are disabled for {repository.FullName}: enable them in the repository settings.");
        var @base = baseBranch ?? repository.DefaultBranch;
        var head = await forge.GetBranchAsync(@base, ct)
            ?? throw new ForgeException($"base branch {@base} does not exist in {repository.FullName}: check the forge base branch parameter (default: the repository's default branch).");
        return (user, repository, @base, head);
    }

    async Task<CascadeStatus> StatusAsync(ProposalKey key, string @base, ForgeUser user, CancellationToken ct)
    {
        var branch = key.Branch;
        var pull = await forge.FindPullRequestAsync(branch, @base, ct);
        var head = await forge.GetBranchAsync(branch, ct);
        // A person retries a failed bump by deleting its branch (which closes its work-in-progress pull request).
        if (pull is { State: PullRequestState.Closed } && head is null && pull.Title.StartsWith(WorkInProgressPrefix, StringComparison.Ordinal))
            return new CascadeStatus(CascadeState.NotStarted, branch, null, null);
        var state = pull switch
        {
            null => head is null ? CascadeState.NotStarted : CascadeState.Started,
            { State: PullRequestState.Merged } => CascadeState.Merged,
            { State: PullRequestState.Closed } when !pull.Body.Contains(RebuildingMarker, StringComparison.Ordinal) => CascadeState.ClosedByPerson,
            // With a pull request, the branch holds the cascade's commits only; a head commit by anyone else is a person's change.
            _ when head is not null && !string.Equals(head.AuthorLogin, user.Login, StringComparison.OrdinalIgnoreCase) => CascadeState.ChangedByPerson,
            { State: PullRequestState.Closed } => CascadeState.Interrupted,
            _ => CascadeState.Proposed,
        };
        return new CascadeStatus(state, branch, head, pull);
    }
}
