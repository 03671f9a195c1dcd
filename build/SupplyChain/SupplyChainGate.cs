using Serilog;

namespace TemplateFleet.SupplyChain;

/// <summary>What the gate found for one image before it may be pushed.</summary>
/// <param name="Layers">The secret scan of each layer: files and bytes read, what was passed over and why.</param>
public sealed record SupplyChainCheck(string Template, SbomSet Sboms, SecretScanResult Secrets, SecurityUpgradeReport Security, IReadOnlyList<string> Problems,
    IReadOnlyList<LayerSecretScan> Layers)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Before Publish pushes an image: the image read once (<see cref="ImageScanner"/>) for its SBOMs and the secret
/// findings of every layer and of the image config; the SBOMs must hold the runtime and agent CLI at the versions
/// asked for; the image, its config and the change being built must hold no credential-shaped string (after the
/// suppressions); and the image must have no pending security upgrade (on the host, against its SBOM; the
/// security index is fetched while the image is read). The secrets found go to <paramref name="onSecrets"/>
/// (the run's masker) before anything is printed about it. Every problem is a line naming the template.
/// </summary>
public sealed class SupplyChainGate(ImageScanner scanner, SecurityArchive security, DebianOrigin origin,
    IReadOnlyList<SecretSuppression> suppressions, string suppressionsFile, Action<IReadOnlyCollection<string>>? onSecrets = null)
{
    /// <param name="subject">What the SBOMs call the image (its repository).</param>
    public async Task<SupplyChainCheck> CheckAsync(string template, string subject, string image, IReadOnlyList<ExpectedPackage> expected,
        ChangeScan change, StepTimings timings, CancellationToken ct)
    {
        var prepared = security.PrepareAsync(origin, ct);
        var scan = await scanner.ScanAsync(template, subject, image, suppressions, timings, ct);
        onSecrets?.Invoke(scan.Secrets);
        var problems = scan.Sboms.Both.SelectMany(document => SbomVersionCheck.Check(template, document.Sbom, document.File, expected)).ToList();

        var secrets = SecretScanResult.Of(template, scan.Findings.Concat(change.Findings), suppressions, ["layers", "image config", "change"]);
        foreach (var (finding, by) in secrets.Suppressed)
            Log.Information("{Template}: suppressed by {File}:{Line} ({Reason}): {Finding}", template, suppressionsFile, by.Line, by.Reason, finding.Describe());
        if (!secrets.Passed)
            problems.Add(secrets.Refusal(suppressionsFile));

        var upgrades = await timings.TimeAsync("security", async () =>
        {
            await prepared; // fetched while the image was read; waited for here only if it took longer
            return await security.CheckAsync(template, scan.Sboms.CycloneDx.Sbom.Packages, origin, ct);
        });
        if (!upgrades.Passed)
            problems.Add(upgrades.Refusal());
        return new SupplyChainCheck(template, scan.Sboms, secrets, upgrades, problems, scan.Layers);
    }
}

/// <summary>The change being built, scanned once per run (before anything is built) and shared by every template's gate.</summary>
/// <param name="Secrets">What it found (memory only, for the masker).</param>
public sealed record ChangeScan(string Base, IReadOnlyList<SecretFinding> Findings, IReadOnlyList<string>? Secrets = null);
