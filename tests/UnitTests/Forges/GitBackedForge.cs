using System.Text.Json.Nodes;

namespace UnitTests.Forges;

/// <summary>
/// The part both forge fakes share: the fleet repository as a real bare git repository, somebody else's branch
/// with an open pull request, and what people do on the forge between two runs.
/// </summary>
public abstract class GitBackedForge : FakeForgeServer
{
    public const string Owner = "molecule";
    public const string Repo = "template-fleet";
    /// <summary>The head of the unrelated pull request every fake starts with (number 1).</summary>
    public const string UnrelatedBranch = "docs/adding-a-template";

    public static readonly GitIdentity Alice = new("Alice Maintainer", "alice@fleet.example");

    protected readonly List<(string Workflow, string Ref, JsonObject Inputs)> dispatches = [];

    protected readonly List<(long Number, string Body)> comments = [];

    protected readonly List<FakeCommitStatus> statuses = [];

    protected GitBackedForge(string apiPath, IReadOnlyDictionary<string, string> files) : base(apiPath)
    {
        Git = new GitRepository(DefaultBranch, files, Alice);
        var docs = Git.Commit(BaseSha, new Dictionary<string, string> { ["README.md"] = "# fleet\n\nHow to add a template.\n" }, "docs: adding a template", Alice);
        Git.UpdateRef("refs/heads/" + UnrelatedBranch, docs, expectedOld: null);
    }

    public GitRepository Git { get; }

    /// <summary>A token of a user who may push; one of a user who may only read; the runner's automatic token.</summary>
    public abstract (string Bot, string Reader, string Actions) Tokens { get; }

    /// <summary>Every pull request, as the forge's JSON for it.</summary>
    public abstract IReadOnlyList<JsonObject> Pulls { get; }

    public JsonObject Pull(long number) => Pulls.Single(p => p["number"]!.ToJsonString() == number.ToString());

    /// <summary>A person closes a pull request without merging it.</summary>
    public abstract void PersonCloses(long number);

    public virtual string DefaultBranch => "main";

    /// <summary>Comments on issues and pull requests the fake accepted, in order.</summary>
    public IReadOnlyList<(long Number, string Body)> Comments => comments;

    /// <summary>The forge's clock: the time it stamps a commit status with (a test moves a FakeTimeProvider on).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Commit statuses the fake accepted, oldest first.</summary>
    public IReadOnlyList<FakeCommitStatus> Statuses => statuses;

    protected FakeCommitStatus AddStatus(string sha, string state, string context, string description, string creator)
    {
        var status = new FakeCommitStatus(statuses.Count + 1, sha, state, context, description, creator, Clock.GetUtcNow());
        statuses.Add(status);
        return status;
    }

    /// <summary>The statuses of a commit, the newest first (both forges list them so).</summary>
    protected IEnumerable<FakeCommitStatus> StatusesOf(string sha) => statuses.Where(s => s.Sha == sha).Reverse();

    /// <summary>Workflow dispatches the fake accepted, in order.</summary>
    public IReadOnlyList<(string Workflow, string Ref, JsonObject Inputs)> Dispatches => dispatches;

    public string BaseSha => Git.Resolve("refs/heads/" + DefaultBranch)!;

    public string? BranchSha(string branch) => Git.Resolve("refs/heads/" + branch);

    /// <summary>The files the branch's tree differs in from the default branch's tree (a plain two-tree diff).</summary>
    public IReadOnlyList<string> BranchDiff(string branch) => Git.ChangedFiles(BaseSha, BranchSha(branch)!);

    /// <summary>Another merge lands on the default branch.</summary>
    public string AdvanceBase(string path = "docs/CHANGELOG.md", string? content = null)
    {
        var sha = Git.Commit(BaseSha, new Dictionary<string, string> { [path] = content ?? $"merged at {Guid.NewGuid()}\n" }, "Merge another change", Alice);
        Git.ForceRef("refs/heads/" + DefaultBranch, sha);
        return sha;
    }

    /// <summary>A person commits to a branch (the web editor or a push).</summary>
    public string PersonCommits(string branch, string path, string content)
    {
        var sha = Git.Commit(BranchSha(branch), new Dictionary<string, string> { [path] = content }, $"Edit {path}", Alice);
        Git.ForceRef("refs/heads/" + branch, sha);
        return sha;
    }

    /// <summary>A person merges a pull request: a merge commit on the base; the head branch stays.</summary>
    public void PersonMerges(long number)
    {
        var (head, title) = PullHead(number);
        var headSha = BranchSha(head)!;
        var tree = Git.MergeTree(BaseSha, headSha) ?? throw new InvalidOperationException($"#{number} conflicts with {DefaultBranch}");
        var sha = Git.CommitTree(tree, [BaseSha, headSha], $"Merge pull request '{title}' (#{number})", Alice);
        Git.ForceRef("refs/heads/" + DefaultBranch, sha);
        MarkMerged(number, sha);
    }

    protected abstract (string Head, string Title) PullHead(long number);

    protected abstract void MarkMerged(long number, string sha);

    public override void Dispose()
    {
        base.Dispose();
        Git.Dispose();
    }
}

/// <summary>A commit status as a forge fake stored it.</summary>
public sealed record FakeCommitStatus(long Id, string Sha, string State, string Context, string Description, string Creator, DateTimeOffset CreatedAt)
{
    public string Time => CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ");
}
