using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>One credential-shaped string in one text: the rule, its 1-based line, an excerpt with the secret
/// masked, and the secret itself, which lives in memory only (for the masker) and is never written.</summary>
public sealed record SecretMatch(SecretRule Rule, int Line, string Excerpt, string Value);

/// <summary>What reading one file gave: its size, whether it was read as text or binary, or passed over (and why), and its matches.</summary>
/// <param name="PassedOver">Null when it was read; else why not ("archive: gzip").</param>
public sealed record FileScan(long Bytes, bool Binary, string? PassedOver, IReadOnlyList<SecretMatch> Matches);

/// <summary>
/// The secret scanner: every byte of a file is read in windows of 4 MiB (with an overlap longer than any secret,
/// so none is cut in two), as Latin-1 so byte offsets are character offsets and any encoding's ASCII tokens read
/// as they are; one vectorised search finds which rules' keywords occur, and only those rules' regexes run.
/// Text and binaries are both read (a token baked into an executable counts); compressed archives are passed
/// over, named by kind, since their bytes hold no readable text. No path is ever skipped: where a file is has
/// no say in whether it is read.
/// </summary>
public sealed class SecretScanner(SecretRules rules)
{
    const int Window = 4 << 20;
    // Longer than any secret the rules match (a private key block is at most a few KiB).
    const int Overlap = 64 << 10;
    const int Peek = 8 << 10;
    const int MaxMatchesPerFile = 50;

    public SecretRules Rules { get; } = rules;

    /// <summary>Scans text already in memory (the image config, the lines a change adds).</summary>
    public IReadOnlyList<SecretMatch> ScanText(string text) => ScanWindow(text, text, 1, text.Length);

    /// <summary>Reads <paramref name="content"/> to its end (also when it is passed over, so a tar stream stays in step).</summary>
    public async Task<FileScan> ScanAsync(Stream content, CancellationToken ct)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Window + Overlap);
        var chars = ArrayPool<char>.Shared.Rent(Window + Overlap);
        try
        {
            var filled = await content.ReadAtLeastAsync(bytes.AsMemory(0, Peek), Peek, throwOnEndOfStream: false, ct);
            if (ArchiveKind(bytes.AsSpan(0, filled)) is { } archive)
                return new FileScan(filled + await DrainAsync(content, bytes, ct), false, "archive: " + archive, []);
            var binary = bytes.AsSpan(0, filled).Contains((byte)0);

            var matches = new List<SecretMatch>();
            long total = 0;
            var carried = 0; // bytes of the previous window kept at the start of this one (not scanned for a match start yet)
            var line = 1;    // the line number at the start of the buffer
            while (true)
            {
                var room = Window + Overlap - filled; // filled to the window's end, or to the file's end
                filled += await content.ReadAtLeastAsync(bytes.AsMemory(filled, room), room, throwOnEndOfStream: false, ct);
                var atEnd = filled < Window + Overlap;
                var count = Encoding.Latin1.GetChars(bytes, 0, filled, chars, 0);
                // Matches that start in the overlap at the end are left to the next window, which sees them whole.
                matches.AddRange(ScanWindow(chars.AsSpan(0, count), null, line, atEnd ? count : count - Overlap));
                total += filled - carried;
                if (atEnd || matches.Count >= MaxMatchesPerFile)
                {
                    if (!atEnd)
                        total += await DrainAsync(content, bytes, ct);
                    break;
                }
                line += chars.AsSpan(0, count - Overlap).Count('\n');
                Array.Copy(bytes, count - Overlap, bytes, 0, Overlap);
                filled = carried = Overlap;
            }
            return new FileScan(total, binary, null, matches.Take(MaxMatchesPerFile).ToList());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <param name="text">The span as a string when the caller has one (saves a copy for the regexes).</param>
    /// <param name="firstLine">The line number at offset 0.</param>
    /// <param name="before">Matches must start before this offset (the rest is the next window's).</param>
    List<SecretMatch> ScanWindow(ReadOnlySpan<char> span, string? text, int firstLine, int before)
    {
        var hits = KeywordHits(span);
        var found = new List<(SecretRule Rule, Group Secret)>();
        foreach (var rule in Rules.Rules)
        {
            // A match holds one of its rule's keywords: the regex runs around each keyword found, not over the whole window.
            var at = rule.Keywords.SelectMany(k => hits.GetValueOrDefault(k) ?? []).Order().ToList();
            if (at.Count == 0)
                continue;
            text ??= new string(span);
            foreach (var (start, length) in Regions(at, text.Length))
            {
                for (var match = rule.Pattern.Match(text, start, length); match.Success; match = match.NextMatch())
                {
                    if (rule.SecretOf(match) is { Length: > 0 } secret && match.Index < before && !rule.Allows(secret.Value))
                        found.Add((rule, secret));
                }
            }
        }
        var matches = new List<SecretMatch>();
        var (lineAt, lineNumber) = (0, firstLine);
        foreach (var (rule, secret) in found.DistinctBy(f => (f.Secret.Index, f.Rule.Id)).OrderBy(f => f.Secret.Index))
        {
            lineNumber += span[lineAt..secret.Index].Count('\n');
            lineAt = secret.Index;
            matches.Add(new SecretMatch(rule, lineNumber, Excerpt(span, secret.Index, secret.Length), secret.Value));
        }
        return matches;
    }

    // How far a match reaches around its keyword: a little before it (a key name, a line start), a long way after
    // it (a private key block's body).
    const int Before = 512;
    const int After = 16 << 10;

    /// <summary>The stretches around the keyword positions (in order), merged where they overlap.</summary>
    static IEnumerable<(int Start, int Length)> Regions(List<int> positions, int length)
    {
        var start = Math.Max(0, positions[0] - Before);
        var end = start;
        foreach (var position in positions)
        {
            if (position - Before > end)
            {
                yield return (start, end - start);
                start = position - Before;
            }
            end = Math.Min(length, position + After);
        }
        yield return (start, end - start);
    }

    /// <summary>Where each keyword occurs in <paramref name="span"/> (case-insensitive), by keyword as the rules spell it.</summary>
    Dictionary<string, List<int>> KeywordHits(ReadOnlySpan<char> span)
    {
        var hits = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var offset = 0; span[offset..].IndexOfAny(Rules.AnyKeyword) is var at and >= 0; offset++)
        {
            offset += at;
            foreach (var keyword in Rules.Keywords)
            {
                if (span[offset..].StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
                    (CollectionsMarshal.GetValueRefOrAddDefault(hits, keyword, out _) ??= []).Add(offset);
            }
        }
        return hits;
    }

    /// <summary>The secret's line (at most 200 characters around it) with the secret masked and anything unprintable shown as '.'.</summary>
    static string Excerpt(ReadOnlySpan<char> span, int index, int length)
    {
        var before = span[Math.Max(0, index - 200)..index];
        var after = span[(index + length)..Math.Min(span.Length, index + length + 200)];
        before = before[(before.LastIndexOfAny('\n', '\r') + 1)..];
        after = after[..(after.IndexOfAny('\n', '\r') is var end and >= 0 ? end : after.Length)];
        return SecretFinding.MaskExcerpt(Printable(before) + Scrubber.Mask + Printable(after));
    }

    static string Printable(ReadOnlySpan<char> text) => new([.. text.ToArray().Select(c => c is >= ' ' and <= '~' ? c : c == '\t' ? ' ' : '.')]);

    /// <summary>Compressed archives by their magic numbers: their bytes hold no text to read.</summary>
    internal static string? ArchiveKind(ReadOnlySpan<byte> head) => head switch
    {
        [0x1f, 0x8b, ..] => "gzip",
        [(byte)'P', (byte)'K', 0x03, 0x04, ..] => "zip",
        [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => "xz",
        [(byte)'B', (byte)'Z', (byte)'h', ..] => "bzip2",
        [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd",
        [(byte)'7', (byte)'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => "7z",
        _ => null,
    };

    static async Task<long> DrainAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        long total = 0;
        for (int read; (read = await stream.ReadAsync(buffer, ct)) > 0;)
            total += read;
        return total;
    }
}
