namespace TemplateFleet.SupplyChain;

/// <summary>The secret gate's verdict for one image (its layers and config) and the change being built.</summary>
public sealed record SecretScanResult(
    string Template,
    IReadOnlyList<SecretFinding> Findings,
    IReadOnlyList<(SecretFinding Finding, SecretSuppression By)> Suppressed,
    IReadOnlyList<string> Scanned)
{
    public bool Passed => Findings.Count == 0;

    /// <summary>Applies the suppressions: a finding is accepted only by one naming its exact file and rule.</summary>
    public static SecretScanResult Of(string template, IEnumerable<SecretFinding> findings, IReadOnlyList<SecretSuppression> suppressions, IReadOnlyList<string> scanned)
    {
        var judged = findings.Distinct().Select(f => (Finding: f, By: suppressions.FirstOrDefault(s => s.Covers(f)))).ToList();
        return new SecretScanResult(template, [.. judged.Where(j => j.By is null).Select(j => j.Finding)],
            [.. judged.Where(j => j.By is not null).Select(j => (j.Finding, j.By!))], scanned);
    }

    /// <summary>The refusal: every finding by where, rule and masked excerpt, and what to do.</summary>
    public string Refusal(string suppressionsFile) =>
        $"{Template}: refused: {Findings.Count} credential-shaped string{(Findings.Count == 1 ? "" : "s")} found:\n"
        + string.Join("\n", Findings.Select(f => "  " + f.Describe()))
        + "\nRemove the credential from the image and the change (pass it at run time, not as ENV, build arg or file). "
        + $"If a finding is not a secret (a test fixture, a public certificate), add one entry to {suppressionsFile} with its path, rule and reason.";
}
