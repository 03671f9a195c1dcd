using System.Text;
using System.Text.RegularExpressions;
using Serilog;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>The lines a change adds to one file, as they are numbered in that file.</summary>
/// <param name="Origin">"commit 1a2b3c4", "working tree", or "tree at HEAD" when there is no base to compare with.</param>
public sealed record AddedLines(string Origin, string Path, IReadOnlyList<(int Number, string Text)> Lines);

/// <summary>
/// The change being built, as the seeds' CI scanned it ("scan diff for credential-shaped strings"): every line
/// each commit since the base adds (a secret added and removed again is still in the history being pushed),
/// the uncommitted edits, and untracked files that git does not ignore (a local build ships them). Scanned for
/// credential-shaped strings with the secret scanner's rules, in memory: the added lines of each file, in order,
/// each finding mapped back to its file and line in the repository. Needs no tool and no engine, so a run can do
/// it before anything is built.
/// </summary>
public sealed partial class ChangeScanner(SecretScanner scanner)
{
    /// <summary>Resolves the base (explicit, else the pull request's base branch, else the merge base with main,
    /// else the previous commit) and scans what the change adds. Without any base (a shallow clone of one
    /// commit) the whole tree at HEAD counts as added.</summary>
    public async Task<ChangeScan> ScanAsync(string repository, string? explicitBase, CancellationToken ct)
    {
        if (!(await GitAsync(repository, ["rev-parse", "--is-inside-work-tree"], ct)).Succeeded)
            throw new SupplyChainException($"{repository} is not a git checkout, so the change being built cannot be scanned for secrets; run the build from a clone.");

        var files = new List<AddedLines>();
        var baseRef = await ResolveBaseAsync(repository, explicitBase, ct);
        string description;
        if (baseRef is null)
        {
            description = "the whole tree at HEAD (no earlier commit to compare with)";
            var tracked = await GitAsync(repository, ["ls-files", "-z"], ct);
            foreach (var path in tracked.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
                AddWholeFile(files, repository, path, "tree at HEAD");
        }
        else
        {
            description = baseRef;
            var log = await GitAsync(repository,
                ["log", "-p", "--reverse", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0", "--format=commit %H", $"{baseRef}..HEAD"], ct);
            if (!log.Succeeded)
                throw new SupplyChainException($"git log {baseRef}..HEAD failed: {log.Scrubbed(3)}");
            files.AddRange(ParsePatch(log.Stdout, null));
        }

        var uncommitted = await GitAsync(repository, ["diff", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0", "HEAD"], ct);
        if (uncommitted.Succeeded)
            files.AddRange(ParsePatch(uncommitted.Stdout, "working tree"));
        var untracked = await GitAsync(repository, ["ls-files", "-z", "--others", "--exclude-standard"], ct);
        foreach (var path in untracked.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            AddWholeFile(files, repository, path, "working tree (untracked)");

        Log.Information("Secret scan of the change since {Base}: {Files} file(s) with added lines", description, files.Count);
        var findings = new List<SecretFinding>();
        var secrets = new List<string>();
        foreach (var file in files)
        {
            var numbers = file.Lines.Select(l => l.Number).ToArray();
            foreach (var match in scanner.ScanText(string.Join('\n', file.Lines.Select(l => l.Text))))
            {
                var line = match.Line >= 1 && match.Line <= numbers.Length ? numbers[match.Line - 1] : 0;
                findings.Add(new SecretFinding(SecretSource.Change, file.Path, line, $"change ({file.Origin})", match.Rule.Id, match.Rule.Title, match.Rule.Severity, match.Excerpt));
                secrets.Add(match.Value);
            }
        }
        return new ChangeScan(description, findings, secrets);
    }

    static async Task<string?> ResolveBaseAsync(string repository, string? explicitBase, CancellationToken ct)
    {
        if (explicitBase is { Length: > 0 })
        {
            if (!(await GitAsync(repository, ["rev-parse", "--verify", "--quiet", explicitBase + "^{commit}"], ct)).Succeeded)
                throw new SupplyChainException($"--change-base '{explicitBase}' is not a commit in {repository}; fetch it or pass another base.");
            return explicitBase;
        }
        // A pull request build: its base branch, as the runner fetched it.
        if (Environment.GetEnvironmentVariable("GITHUB_BASE_REF") is { Length: > 0 } prBase
            && await CommitAsync(repository, $"origin/{prBase}", ct) is { } remote
            && await MergeBaseAsync(repository, remote, ct) is { } prMergeBase)
            return prMergeBase;
        var head = await CommitAsync(repository, "HEAD", ct);
        foreach (var main in new[] { "main", "origin/main" })
        {
            if (await CommitAsync(repository, main, ct) is { } mainCommit && mainCommit != head
                && await MergeBaseAsync(repository, mainCommit, ct) is { } mergeBase && mergeBase != head)
                return mergeBase;
        }
        return await CommitAsync(repository, "HEAD~1", ct);
    }

    static async Task<string?> CommitAsync(string repository, string name, CancellationToken ct)
    {
        var result = await GitAsync(repository, ["rev-parse", "--verify", "--quiet", name + "^{commit}"], ct);
        return result.Succeeded ? result.Stdout.Trim() : null;
    }

    static async Task<string?> MergeBaseAsync(string repository, string other, CancellationToken ct)
    {
        var result = await GitAsync(repository, ["merge-base", "HEAD", other], ct);
        return result.Succeeded ? result.Stdout.Trim() : null;
    }

    static void AddWholeFile(List<AddedLines> files, string repository, string path, string origin)
    {
        var full = Path.Combine(repository, path);
        if (!File.Exists(full) || new FileInfo(full).Length > 10 * 1024 * 1024)
            return;
        var bytes = File.ReadAllBytes(full);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
            return; // binary: the scanner reads text only
        var lines = Encoding.UTF8.GetString(bytes).Split('\n').Select((text, i) => (i + 1, text.TrimEnd('\r'))).ToList();
        files.Add(new AddedLines(origin, path, lines));
    }

    /// <summary>Reads `git log -p --unified=0 --format="commit %H"` or `git diff --unified=0` output into the
    /// added lines per commit and file. <paramref name="origin"/> names the source when there are no commit lines.</summary>
    public static IReadOnlyList<AddedLines> ParsePatch(string patch, string? origin)
    {
        var result = new List<AddedLines>();
        var current = origin;
        string? path = null;
        List<(int, string)>? lines = null;
        var next = 0;
        void Flush()
        {
            if (path is not null && lines is { Count: > 0 })
                result.Add(new AddedLines(current ?? "change", path, lines));
            lines = null;
            path = null;
        }
        foreach (var raw in patch.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("commit ", StringComparison.Ordinal) && CommitLine().IsMatch(line))
            {
                Flush();
                current = "commit " + line[7..14];
            }
            else if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                Flush();
            }
            else if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                path = line == "+++ /dev/null" ? null : Unquote(line[4..]) is var p && p.StartsWith("b/", StringComparison.Ordinal) ? p[2..] : p;
                lines = [];
            }
            else if (HunkHeader().Match(line) is { Success: true } hunk)
            {
                next = int.Parse(hunk.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (lines is not null && line.StartsWith('+'))
            {
                lines.Add((next++, line[1..]));
            }
        }
        Flush();
        return result;
    }

    // git quotes unusual path names as C strings ("b/a\tb"); the common escapes are enough here.
    static string Unquote(string path) =>
        path.Length > 1 && path[0] == '"' && path[^1] == '"'
            ? path[1..^1].Replace("\\\"", "\"").Replace("\\t", "\t").Replace("\\\\", "\\")
            : path;

    static Task<ProcessResult> GitAsync(string repository, IEnumerable<string> args, CancellationToken ct) =>
        ToolCommand.RunAsync("git", ["-C", repository, .. args], TimeSpan.FromMinutes(2), ct);

    [GeneratedRegex("^commit [0-9a-f]{40}$")]
    private static partial Regex CommitLine();

    [GeneratedRegex(@"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")]
    private static partial Regex HunkHeader();
}
