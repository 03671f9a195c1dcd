using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TemplateFleet.Files;

namespace TemplateFleet.SupplyChain;

/// <summary>Files of a layer the scanner did not read, by why: "archive: gzip" and how many files and bytes.</summary>
public sealed record PassedOverFiles(string Reason, long Files, long Bytes);

/// <summary>A finding in a layer as the cache keeps it: never the secret, only the sha256 of it.</summary>
public sealed record LayerFinding(string Path, int Line, string Rule, string Title, string Severity, string Excerpt, string SecretSha256);

/// <summary>
/// The secret scan of one layer, by its diff ID: how many files and bytes were read (binaries among them), what
/// was passed over and why, and the findings. It depends on the layer's content and the rules only, so it is
/// cached by diff ID and <see cref="SecretRules.Fingerprint"/>, and a layer the fleet shares is read once.
/// </summary>
public sealed record LayerSecretScan(string DiffId, long Size, long Files, long Bytes, long BinaryFiles, IReadOnlyList<PassedOverFiles> PassedOver,
    IReadOnlyList<LayerFinding> Findings)
{
    /// <summary>The secrets found in this read of the layer (memory only, for the masker); empty when it came from the cache.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>True when it came from the cache rather than a read of the layer in this run.</summary>
    [JsonIgnore]
    public bool FromCache { get; init; }

    /// <summary>Reads a layer's tar to its end: every regular file, wherever it is, through <paramref name="scanner"/>.</summary>
    /// <param name="size">The tar's size in bytes (for finding it again in an export by its entry size).</param>
    public static async Task<LayerSecretScan> ReadAsync(string diffId, long size, Stream tar, SecretScanner scanner, CancellationToken ct)
    {
        var files = new List<(string Path, FileScan Scan)>();
        using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile) && entry.DataStream is { } data)
                files.Add(("/" + entry.Name.TrimStart('.').TrimStart('/'), await scanner.ScanAsync(data, ct)));
        }
        var read = files.Where(f => f.Scan.PassedOver is null).ToList();
        var passed = files.Where(f => f.Scan.PassedOver is not null).GroupBy(f => f.Scan.PassedOver!).OrderBy(g => g.Key, StringComparer.Ordinal);
        var matches = read.SelectMany(f => f.Scan.Matches.Select(m => (f.Path, m.Line, m.Rule, m.Excerpt, m.Value))).ToList();
        return new LayerSecretScan(diffId, size, read.Count, read.Sum(f => f.Scan.Bytes), read.Count(f => f.Scan.Binary),
            [.. passed.Select(g => new PassedOverFiles(g.Key, g.Count(), g.Sum(f => f.Scan.Bytes)))],
            [.. matches.Select(m => new LayerFinding(m.Path, m.Line, m.Rule.Id, m.Rule.Title, m.Rule.Severity, m.Excerpt, Sha256(m.Value)))])
        {
            Secrets = [.. matches.Select(m => m.Value)],
        };
    }

    /// <summary>The hex sha256 of a text's UTF-8 (a secret as the cache keeps it; cut short, a cache key).</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// Layer scans by diff ID under the per-user cache: &lt;cache&gt;/supply-chain/secrets/&lt;rules fingerprint&gt;/&lt;diff id&gt;.json,
/// written atomically (two builds may write the same entry: both are equal). Other rules, other folder.
/// </summary>
public sealed class SecretScanCache(string directory, SecretRules rules)
{
    string FileOf(string diffId) => Path.Combine(directory, rules.Fingerprint.Replace("sha256:", "", StringComparison.Ordinal)[..32],
        diffId.Replace("sha256:", "", StringComparison.Ordinal) + ".json");

    public LayerSecretScan? Get(string diffId)
    {
        try
        {
            return JsonSerializer.Deserialize<LayerSecretScan>(File.ReadAllBytes(FileOf(diffId))) is { } scan && scan.DiffId == diffId
                ? scan with { FromCache = true } : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            return null; // missing or unreadable: read the layer (again) and write it anew
        }
    }

    public void Put(LayerSecretScan scan) => AtomicFile.Write(FileOf(scan.DiffId), JsonSerializer.SerializeToUtf8Bytes(scan));
}

/// <summary>
/// The secret scan of one image as a report beside the gates' (output/reports/&lt;template&gt;.secret-scan.json): per
/// layer, files and bytes read, binaries among them, what was passed over and why, whether it came from the cache,
/// and every finding with its masked excerpt and what accepted it, so a silent skip would show.
/// </summary>
public static class SecretScanReport
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(string directory, SupplyChainCheck check)
    {
        var report = new
        {
            check.Template,
            check.Secrets.Passed,
            check.Secrets.Scanned,
            layers = check.Layers.Select(l => new { l.DiffId, l.Size, l.Files, l.Bytes, l.BinaryFiles, l.PassedOver, l.FromCache, findings = l.Findings.Count }),
            findings = check.Secrets.Findings.Select(f => new { f.Location, f.Path, f.Line, f.Rule, f.Excerpt }),
            suppressed = check.Secrets.Suppressed.Select(s => new { s.Finding.Location, s.Finding.Path, s.Finding.Rule, s.By.Reason }),
        };
        AtomicFile.Write(Path.Combine(directory, $"{check.Template}.secret-scan.json"), JsonSerializer.SerializeToUtf8Bytes(report, Json));
    }
}
