using Serilog;

namespace TemplateFleet.SupplyChain;

/// <summary>What the gate found for one image before it may be pushed.</summary>
public sealed record SupplyChainCheck(string Template, SbomSet Sboms, SecretScanResult Secrets, SecurityUpgradeReport Security, IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Before Publish pushes an image: one trivy pass gives the SBOMs and the secret findings of every layer and of
/// the image config; the SBOMs must hold the runtime and agent CLI at the versions asked for; the image, its
/// config and the change being built must hold no credential-shaped string (after the suppressions); and the
/// image must have no pending security upgrade. Every problem is a line naming the template.
/// </summary>
public sealed class SupplyChainGate(TrivyCli trivy, SbomWriter sboms, SecurityUpgradeCheck security, Uri engine,
    IReadOnlyList<SecretSuppression> suppressions, string suppressionsFile)
{
    public async Task<SupplyChainCheck> CheckAsync(string template, string image, IReadOnlyList<ExpectedPackage> expected,
        ChangeScan change, CancellationToken ct)
    {
        var report = await trivy.ScanImageAsync(image, engine, template, ct);
        var set = await sboms.WriteAsync(template, report, ct);
        var problems = new List<string>();
        foreach (var document in set.Both)
            problems.AddRange(SbomVersionCheck.Check(template, document.Sbom, document.File, expected));

        var secrets = SecretScanResult.Of(template, report.Secrets.Concat(change.Findings), suppressions, ["layers", "image config", "change"]);
        foreach (var (finding, by) in secrets.Suppressed)
            Log.Information("{Template}: suppressed by {File}:{Line} ({Reason}): {Finding}", template, suppressionsFile, by.Line, by.Reason, finding.Describe());
        if (!secrets.Passed)
            problems.Add(secrets.Refusal(suppressionsFile));

        var upgrades = await security.CheckAsync(template, image, ct);
        if (!upgrades.Passed)
            problems.Add(upgrades.Refusal());
        return new SupplyChainCheck(template, set, secrets, upgrades, problems);
    }
}

/// <summary>The change being built, scanned once per run and shared by every template's gate.</summary>
public sealed record ChangeScan(string Base, IReadOnlyList<SecretFinding> Findings);
