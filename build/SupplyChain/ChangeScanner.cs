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

        var baseRef = await ResolveBaseAsync(repository, explicitBase, ct);
        var description = baseRef ?? "the whole tree at HEAD (no earlier commit to compare with)";
        // Without a base HEAD is the one commit there is (or none yet): its patch adds the whole tree, as one origin.
        var range = baseRef is null ? "HEAD" : $"{baseRef}..HEAD";
        var log = await GitAsync(repository, ["log", "-p", "--reverse", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0",
            baseRef is null ? "--format=" : "--format=commit %H", range], ct);
        if (!log.Succeeded && baseRef is not null)
            throw new SupplyChainException($"git log {range} failed: {log.Scrubbed(3)}");
        var files = ParsePatch(log.Stdout, baseRef is null ? "tree at HEAD" : null).ToList();

        var uncommitted = await GitAsync(repository, ["diff", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0", "HEAD"], ct);
        if (uncommitted.Succeeded)
            files.AddRange(ParsePatch(uncommitted.Stdout, "working tree"));
        var untracked = await GitAsync(repository, ["ls-files", "-z", "--others", "--exclude-standard"], ct);
        foreach (var path in untracked.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var file = new FileInfo(Path.Combine(repository, path));
            var bytes = file is { Exists: true, Length: <= 10 * 1024 * 1024 } ? File.ReadAllBytes(file.FullName) : null;
            if (bytes is null || bytes.AsSpan().Contains((byte)0))
                continue; // binary: the scanner reads text only
            var lines = Encoding.UTF8.GetString(bytes).Split('\n').Select((text, i) => (i + 1, text.TrimEnd('\r')));
            files.Add(new AddedLines("working tree (untracked)", path, [.. lines]));
        }

        Log.Information("Secret scan of the change since {Base}: {Files} file(s) with added lines", description, files.Count);
        // Each file's added lines scanned as one text: a match's line there is the index of its line in the file.
        var found = files.SelectMany(f => scanner.ScanText(string.Join('\n', f.Lines.Select(l => l.Text))).Select(m => (File: f, Match: m))).ToList();
        var findings = found.Select(f => new SecretFinding(SecretSource.Change, f.File.Path, f.File.Lines[f.Match.Line - 1].Number, $"change ({f.File.Origin})",
            f.Match.Rule.Id, f.Match.Rule.Title, f.Match.Rule.Severity, f.Match.Excerpt));
        return new ChangeScan(description, [.. findings], [.. found.Select(f => f.Match.Value)]);
    }

    static async Task<string?> ResolveBaseAsync(string repository, string? explicitBase, CancellationToken ct)
    {
        if (explicitBase is { Length: > 0 })
        {
            return await CommitAsync(repository, explicitBase, ct) is null
                ? throw new SupplyChainException($"--change-base '{explicitBase}' is not a commit in {repository}; fetch it or pass another base.")
                : explicitBase;
        }
        // A pull request build: its base branch, as the runner fetched it.
        if (Environment.GetEnvironmentVariable("GITHUB_BASE_REF") is { Length: > 0 } prBase
            && await CommitAsync(repository, $"origin/{prBase}", ct) is { } remote
            && await OutputAsync(repository, ["merge-base", "HEAD", remote], ct) is { } prMergeBase)
            return prMergeBase;
        var head = await CommitAsync(repository, "HEAD", ct);
        foreach (var main in new[] { "main", "origin/main" })
        {
            if (await CommitAsync(repository, main, ct) is { } mainCommit && mainCommit != head
                && await OutputAsync(repository, ["merge-base", "HEAD", mainCommit], ct) is { } mergeBase && mergeBase != head)
                return mergeBase;
        }
        return await CommitAsync(repository, "HEAD~1", ct);
    }

    static Task<string?> CommitAsync(string repository, string name, CancellationToken ct) =>
        OutputAsync(repository, ["rev-parse", "--verify", "--quiet", name + "^{commit}"], ct);

    /// <summary>What git prints, trimmed; null when it fails.</summary>
    static async Task<string?> OutputAsync(string repository, IEnumerable<string> args, CancellationToken ct) =>
        await GitAsync(repository, args, ct) is { Succeeded: true } result ? result.Stdout.Trim() : null;

    /// <summary>Reads `git log -p --unified=0 --format="commit %H"` or `git diff --unified=0` output into the
    /// added lines per commit and file. <paramref name="origin"/> names the source when there are no commit lines.</summary>
    public static IReadOnlyList<AddedLines> ParsePatch(string patch, string? origin)
    {
        var result = new List<AddedLines>();
        var current = origin ?? "change";
        List<(int, string)>? lines = null;
        var next = 0;
        foreach (var line in patch.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (CommitLine().IsMatch(line))
                (current, lines) = ("commit " + line[7..14], null);
            else if (line == "+++ /dev/null" || line.StartsWith("diff --git ", StringComparison.Ordinal))
                lines = null;
            else if (line.StartsWith("+++ ", StringComparison.Ordinal))
                result.Add(new AddedLines(current, PathOf(line[4..]), lines = []));
            else if (HunkHeader().Match(line) is { Success: true } hunk)
                next = int.Parse(hunk.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            else if (lines is not null && line.StartsWith('+'))
                lines.Add((next++, line[1..]));
        }
        return [.. result.Where(f => f.Lines.Count > 0)];
    }

    // git quotes unusual path names as C strings ("b/a\tb"); the common escapes are enough here. A name with a space
    // gets a tab after it (diff.c, for GNU patch); a name that really ends in a tab is quoted, so one can go.
    static string PathOf(string name)
    {
        name = name.EndsWith('\t') ? name[..^1] : name;
        var path = name.Length > 1 && name[0] == '"' && name[^1] == '"'
            ? name[1..^1].Replace("\\\"", "\"").Replace("\\t", "\t").Replace("\\\\", "\\")
            : name;
        return path.StartsWith("b/", StringComparison.Ordinal) ? path[2..] : path;
    }

    static Task<ProcessResult> GitAsync(string repository, IEnumerable<string> args, CancellationToken ct) =>
        ToolCommand.RunAsync("git", ["-C", repository, .. args], TimeSpan.FromMinutes(2), ct);

    [GeneratedRegex("^commit [0-9a-f]{40}$")]
    private static partial Regex CommitLine();

    [GeneratedRegex(@"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")]
    private static partial Regex HunkHeader();
}
