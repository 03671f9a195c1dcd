using Serilog;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Scans what the change adds for credential-shaped strings with the secret scanner's rules, in memory: the
/// added lines of each file, in order, each finding mapped back to its file and line in the repository. Needs no
/// tool and no engine, so a run can do it before anything is built.
/// </summary>
public sealed class ChangeScanner(SecretScanner scanner)
{
    public async Task<ChangeScan> ScanAsync(string repository, string? changeBase, CancellationToken ct)
    {
        var (baseRef, files) = await ChangeSet.CollectAsync(repository, changeBase, ct);
        Log.Information("Secret scan of the change since {Base}: {Files} file(s) with added lines", baseRef, files.Count);
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
        return new ChangeScan(baseRef, findings, secrets);
    }
}
