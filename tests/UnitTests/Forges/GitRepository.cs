using System.Diagnostics;
using System.Text;

namespace UnitTests.Forges;

/// <summary>A person or bot as git records it on a commit.</summary>
public sealed record GitIdentity(string Name, string Email);

/// <summary>One commit as git stores it.</summary>
public sealed record GitCommit(string Sha, string Tree, IReadOnlyList<string> Parents, GitIdentity Author, GitIdentity Committer, DateTimeOffset Date, string Message);

/// <summary>
/// A bare git repository in a temporary folder, changed only through git plumbing (hash-object, a private
/// index, write-tree, commit-tree, update-ref), the way a forge changes its repositories on the server. It is
/// what the forge fakes store their branches in, so a test can ask git itself what a branch differs in.
/// </summary>
public sealed class GitRepository : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("forge-git-").FullName;
    readonly object gate = new();
    int indexes;

    public string GitDir => Path.Combine(root, "repo.git");

    public GitRepository(string defaultBranch, IReadOnlyDictionary<string, string> files, GitIdentity author)
    {
        Git(null, "init", "--quiet", "--bare", $"--initial-branch={defaultBranch}", GitDir);
        var commit = Commit(null, files, "Initial commit", author, DateTimeOffset.UtcNow.AddDays(-30));
        UpdateRef($"refs/heads/{defaultBranch}", commit, expectedOld: null);
    }

    /// <summary>The commit a ref points at, or null when there is no such ref.</summary>
    public string? Resolve(string reference)
    {
        var (exit, output) = TryGit(null, "rev-parse", "--verify", "--quiet", reference + "^{commit}");
        return exit == 0 ? output.Trim() : null;
    }

    /// <summary>Full ref names and their commits, for refs that start with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<(string Name, string Sha)> Refs(string prefix = "refs/") =>
        Git(null, "for-each-ref", "--format=%(refname) %(objectname)", prefix)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .Select(p => (p[0], p[1]))
            .ToList();

    /// <summary>The blob id of a file at a commit-ish, or null when the file does not exist there.</summary>
    public string? BlobSha(string commitish, string path)
    {
        var (exit, output) = TryGit(null, "rev-parse", "--verify", "--quiet", $"{commitish}:{path}");
        return exit == 0 ? output.Trim() : null;
    }

    public string? ReadFile(string commitish, string path) =>
        BlobSha(commitish, path) is { } blob ? Git(null, "cat-file", "blob", blob) : null;

    public string ReadBlob(string sha) => Git(null, "cat-file", "blob", sha);

    public bool BlobExists(string sha) => TryGit(null, "cat-file", "-e", sha + "^{blob}").Exit == 0;

    public bool CommitExists(string sha) => TryGit(null, "cat-file", "-e", sha + "^{commit}").Exit == 0;

    public bool TreeExists(string sha) => TryGit(null, "cat-file", "-e", sha + "^{tree}").Exit == 0;

    public string WriteBlob(string content) => Git(content, "hash-object", "-w", "--stdin").Trim();

    /// <summary>Every file of a commit-ish: path to blob id.</summary>
    public IReadOnlyDictionary<string, string> Files(string commitish) =>
        Git(null, "ls-tree", "-r", "--full-tree", commitish)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t', 2))
            .ToDictionary(p => p[1], p => p[0].Split(' ')[2]);

    /// <summary>The files whose content differs between two commit-ishes (git diff --name-only a b).</summary>
    public IReadOnlyList<string> ChangedFiles(string from, string to) =>
        Git(null, "diff", "--no-renames", "--name-only", from, to).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public bool IsAncestor(string ancestor, string descendant) =>
        TryGit(null, "merge-base", "--is-ancestor", ancestor, descendant).Exit == 0;

    public GitCommit ReadCommit(string sha)
    {
        const string separator = "\u001f";
        var fields = Git(null, "show", "-s", $"--format=%H{separator}%T{separator}%P{separator}%an{separator}%ae{separator}%cn{separator}%ce{separator}%aI{separator}%B", sha)
            .Split(separator);
        return new GitCommit(fields[0], fields[1], fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries),
            new GitIdentity(fields[3], fields[4]), new GitIdentity(fields[5], fields[6]), DateTimeOffset.Parse(fields[7]), fields[8].TrimEnd('\n'));
    }

    /// <summary>
    /// A new commit whose tree is <paramref name="parent"/>'s tree (or empty) with <paramref name="changes"/>
    /// applied: a null content deletes the file. No ref moves.
    /// </summary>
    public string CommitChanges(string? parent, IReadOnlyDictionary<string, string?> changes, string message, GitIdentity author, DateTimeOffset? date = null) =>
        CommitTree(WriteTree(parent, changes.ToDictionary(c => c.Key, c => c.Value is null ? null : WriteBlob(c.Value))), parent is null ? [] : [parent], message, author, date);

    public string Commit(string? parent, IReadOnlyDictionary<string, string> changes, string message, GitIdentity author, DateTimeOffset? date = null) =>
        CommitChanges(parent, changes.ToDictionary(c => c.Key, c => (string?)c.Value), message, author, date);

    /// <summary>A tree: <paramref name="baseCommitish"/>'s tree with files set to blob ids (null removes the file).</summary>
    public string WriteTree(string? baseCommitish, IReadOnlyDictionary<string, string?> blobs)
    {
        var index = Path.Combine(root, $"index-{Interlocked.Increment(ref indexes)}");
        try
        {
            var env = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
            if (baseCommitish is null)
                Git(null, env, "read-tree", "--empty");
            else
                Git(null, env, "read-tree", baseCommitish + "^{tree}");
            foreach (var (path, blob) in blobs)
            {
                if (blob is null)
                    Git(null, env, "update-index", "--force-remove", "--", path);
                else
                    Git(null, env, "update-index", "--add", "--cacheinfo", $"100644,{blob},{path}");
            }
            return Git(null, env, "write-tree").Trim();
        }
        finally
        {
            File.Delete(index);
        }
    }

    public string CommitTree(string tree, IReadOnlyList<string> parents, string message, GitIdentity author, DateTimeOffset? date = null)
    {
        var when = (date ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() + " +0000";
        var env = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = author.Name,
            ["GIT_AUTHOR_EMAIL"] = author.Email,
            ["GIT_AUTHOR_DATE"] = when,
            ["GIT_COMMITTER_NAME"] = author.Name,
            ["GIT_COMMITTER_EMAIL"] = author.Email,
            ["GIT_COMMITTER_DATE"] = when,
        };
        var args = new List<string> { "commit-tree", tree };
        foreach (var parent in parents)
        {
            args.Add("-p");
            args.Add(parent);
        }
        return Git(message, env, [.. args]).Trim();
    }

    /// <summary>git merge-tree --write-tree: the merged tree of two commits, or null on a conflict.</summary>
    public string? MergeTree(string ours, string theirs, string? mergeBase = null)
    {
        string[] args = mergeBase is null ? ["merge-tree", "--write-tree", ours, theirs] : ["merge-tree", "--write-tree", $"--merge-base={mergeBase}", ours, theirs];
        var (exit, output, _) = Run(null, null, args);
        return exit == 0 ? output.Split('\n')[0].Trim() : null;
    }

    /// <summary>Moves a ref; with <paramref name="expectedOld"/> only if it still points there (null: only if absent).</summary>
    public bool UpdateRef(string name, string sha, string? expectedOld)
    {
        lock (gate)
            return TryGit(null, "update-ref", name, sha, expectedOld ?? new string('0', 40)).Exit == 0;
    }

    /// <summary>Moves a ref wherever it points now (a force push).</summary>
    public void ForceRef(string name, string sha) => Git(null, "update-ref", name, sha);

    public bool DeleteRef(string name)
    {
        lock (gate)
            return Resolve(name) is not null && TryGit(null, "update-ref", "-d", name).Exit == 0;
    }

    string Git(string? input, params string[] args) => Git(input, null, args);

    string Git(string? input, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var (exit, output, error) = Run(input, env, args);
        if (exit != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    (int Exit, string Output) TryGit(string? input, params string[] args)
    {
        var (exit, output, _) = Run(input, null, args);
        return (exit, output);
    }

    (int Exit, string Output, string Error) Run(string? input, IReadOnlyDictionary<string, string>? env, string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        // Only this repository and no user or system configuration: the same answers on every host.
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["GIT_DIR"] = GitDir;
        psi.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
            psi.Environment[key] = value;
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        if (input is not null)
            process.StandardInput.Write(input);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
