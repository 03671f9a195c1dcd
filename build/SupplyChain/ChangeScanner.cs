using Serilog;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Scans what the change adds for credential-shaped strings with trivy's secret rules: the added lines of each
/// file are written, in order, to a private folder (one sub-folder per commit), trivy scans it, and each
/// finding is mapped back to its file and line in the repository.
/// </summary>
public sealed class ChangeScanner(TrivyCli trivy, string scratchDirectory)
{
    public async Task<(string Base, IReadOnlyList<SecretFinding> Findings)> ScanAsync(string repository, string? changeBase, CancellationToken ct)
    {
        var (baseRef, files) = await ChangeSet.CollectAsync(repository, changeBase, ct);
        Log.Information("Secret scan of the change since {Base}: {Files} file(s) with added lines", baseRef, files.Count);
        if (files.Count == 0)
            return (baseRef, []);

        using var scratch = PrivateDirectory.Create(scratchDirectory, "change");
        var map = new Dictionary<string, (AddedLines File, int[] Numbers)>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var relative = $"{i:D5}/{files[i].Path}";
            var target = Path.Combine(scratch.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllLinesAsync(target, files[i].Lines.Select(l => l.Text), ct);
            map[relative] = (files[i], files[i].Lines.Select(l => l.Number).ToArray());
        }

        var report = await trivy.ScanFolderAsync(scratch.Path, ct);
        var findings = new List<SecretFinding>();
        foreach (var finding in report.Secrets)
        {
            var key = finding.Path?.TrimStart('/') ?? "";
            if (!map.TryGetValue(key, out var source))
                continue;
            var line = finding.Line >= 1 && finding.Line <= source.Numbers.Length ? source.Numbers[finding.Line - 1] : 0;
            findings.Add(finding with { Path = source.File.Path, Line = line, Location = $"change ({source.File.Origin})" });
        }
        return (baseRef, findings);
    }
}
