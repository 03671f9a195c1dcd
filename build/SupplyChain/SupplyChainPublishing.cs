using System.Collections.Concurrent;
using TemplateFleet.Fleet;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// The supply chain inside Publish (<see cref="IPinContributor"/>). Before a push: SBOMs, their versions, the
/// secret scan (layers, config, the change) and the security-upgrade gate; a refusal fails that image's publish
/// before anything reaches the registry. After the push and the pull-by-digest check: sign, attest both SBOMs,
/// verify against the public key, and the record goes into the pin as <see cref="Pin.SupplyChain"/>.
/// </summary>
/// <param name="run">The run: what the SBOMs call each image and what it must hold by them.</param>
/// <param name="provenance">The build provenance of a pushed image (its pin and what the gate read of it).</param>
/// <param name="reportDirectory">Where each image's secret-scan report goes (output/reports).</param>
public sealed class SupplyChainPublishing(FleetRun run, SupplyChainGate gate, ImageSigner signer, SigningKey key, RegistryCredentials registry,
    CaTrust caTrust, ChangeScan change, Func<Pin, SupplyChainCheck, ProvenanceFacts> provenance, string reportDirectory) : IPinContributor
{
    readonly ConcurrentDictionary<string, SupplyChainCheck> checks = new(StringComparer.Ordinal);
    readonly OrderedDictionary<string, StepTimings> timings = new(StringComparer.Ordinal);

    /// <summary>Each image's supply-chain steps and their times, by template, in the order they were published.</summary>
    public IReadOnlyList<(string Template, StepTimings Steps)> Timings => [.. timings.Select(t => (t.Key, t.Value))];

    StepTimings TimingsOf(string name)
    {
        lock (timings)
            return timings.TryGetValue(name, out var steps) ? steps : timings[name] = new StepTimings();
    }

    public async Task BeforePushAsync(string name, string imageId, CancellationToken ct)
    {
        var check = await gate.CheckAsync(name, Subject(name), imageId, Expected(name), change, TimingsOf(name), ct);
        SecretScanReport.Write(reportDirectory, check);
        if (!check.Passed)
            throw new SupplyChainException($"{name}: the supply-chain gate refused the image, nothing was pushed:\n{string.Join("\n", check.Problems)}");
        checks[imageId] = check;
    }

    public async Task<Pin> ContributeAsync(Pin pin, string imageId, CancellationToken ct)
    {
        if (!checks.TryGetValue(imageId, out var check))
            throw new SupplyChainException($"{pin.Template}: {imageId} was pushed without the supply-chain gate; no pin is written.");
        var steps = TimingsOf(pin.Template);
        var record = await signer.SignAsync(check, pin.Image, pin.Digest, key, registry, Expected(pin.Template), caTrust, change.Base,
            provenance(pin, check), ct, steps);
        Serilog.Log.Information("{Template}: supply chain {Total}: {Steps}", pin.Template, StepTimings.Seconds(steps.Total), steps);
        return pin with { SupplyChain = record };
    }

    /// <summary>For the pull request: the runtime, the agent CLI and the Debian packages, old SBOM (attested on the old
    /// pin, verified with this run's key) against the new one. The base has neither runtime nor agent: nothing to say.</summary>
    public async Task<string?> DescribeChangeAsync(Pin? previous, Pin next, string imageId, CancellationToken ct)
    {
        if (!checks.TryGetValue(imageId, out var check) || Expected(next.Template) is not [var runtime, var agent, ..])
            return null;
        return await Describe(previous, check.Sboms.CycloneDx.Sbom, runtime, agent, RegistryHost.Parse(registry.Address).ToString(),
            record => signer.ReadAttestedSbomAsync(next.Template, previous!.Image, previous.Digest, record, key, registry, ct));
    }

    /// <param name="readOld">Reads the old pin's attested SBOM, or says why it cannot.</param>
    public static async Task<string> Describe(Pin? previous, Sbom after, ExpectedPackage runtime, ExpectedPackage agent, string registryHost,
        Func<SupplyChainRecord, Task<(Sbom? Sbom, string? Problem)>> readOld)
    {
        var now = SbomDiff.Describe(after, runtime, agent);
        if (previous is null)
            return $"first pin: {now}";
        if (previous.SupplyChain is not { } record)
            return $"the old pin has no SBOM (published before images were signed); now {now}";
        if (!previous.Image.StartsWith(registryHost + "/", StringComparison.Ordinal))
            return $"the old pin is in another registry ({previous.Image}); now {now}";
        string? problem;
        try
        {
            (var before, problem) = await readOld(record);
            if (before is not null)
                return SbomDiff.Between(before, after, runtime, agent).ToMarkdown();
        }
        catch (SupplyChainException e)
        {
            problem = e.Message;
        }
        return $"the old pin's SBOM could not be read ({problem?.Split('\n')[0]}); now {now}";
    }

    /// <summary>What the SBOMs call an image: its repository (fleet.yaml images.repository and base.image).</summary>
    string Subject(string name) => name == run.Config.Base.Folder ? run.Config.Base.Image : run.Config.Images.RepositoryOf(name);

    /// <summary>What an image must hold by its SBOM: a template the runtime at the run's version, its agent CLI at its
    /// pin and every package of its agent's lock at the locked version (the installed tree is the lock); the base none.</summary>
    IReadOnlyList<ExpectedPackage> Expected(string name) =>
        run.Templates.FirstOrDefault(t => t.Name == name) is { } template
            ? [ExpectedPackage.Runtime(run.Config.Runtime.Package, run.RuntimeVersion.ToString()), ExpectedPackage.Agent(template), .. ExpectedPackage.Locked(template)]
            : [];
}
