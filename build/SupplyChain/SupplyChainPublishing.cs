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
public sealed class SupplyChainPublishing(SupplyChainGate gate, ImageSigner signer, SigningKey key, RegistryCredentials registry,
    CaTrust caTrust, ChangeScan change, Func<string, IReadOnlyList<ExpectedPackage>> expected) : IPinContributor
{
    readonly ConcurrentDictionary<string, SupplyChainCheck> checks = new(StringComparer.Ordinal);

    public async Task BeforePushAsync(string name, string imageId, CancellationToken ct)
    {
        var check = await gate.CheckAsync(name, imageId, expected(name), change, ct);
        if (!check.Passed)
            throw new SupplyChainException($"{name}: the supply-chain gate refused the image, nothing was pushed:\n{string.Join("\n", check.Problems)}");
        checks[imageId] = check;
    }

    public async Task<Pin> ContributeAsync(Pin pin, string imageId, CancellationToken ct)
    {
        if (!checks.TryGetValue(imageId, out var check))
            throw new SupplyChainException($"{pin.Template}: {imageId} was pushed without the supply-chain gate; no pin is written.");
        var record = await signer.SignAsync(check, pin.Image, pin.Digest, key, registry, expected(pin.Template), caTrust, change.Base, ct);
        return pin with { SupplyChain = record };
    }

    /// <summary>For the pull request: the runtime, the agent CLI and the Debian packages, old SBOM (attested on the old
    /// pin, verified with this run's key) against the new one. The base has neither runtime nor agent: nothing to say.</summary>
    public async Task<string?> DescribeChangeAsync(Pin? previous, Pin next, string imageId, CancellationToken ct)
    {
        if (!checks.TryGetValue(imageId, out var check) || expected(next.Template) is not [var runtime, var agent])
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

    /// <summary>What an image must hold by its SBOM: a template the runtime at the run's version, its agent CLI at its
    /// pin and every package of its agent's lock at the locked version (the installed tree is the lock); the base none.</summary>
    public static Func<string, IReadOnlyList<ExpectedPackage>> ExpectedFor(FleetRun run) => name =>
        run.Templates.FirstOrDefault(t => t.Name == name) is { } template
            ? [ExpectedPackage.Runtime(run.Config.Runtime.Package, run.RuntimeVersion.ToString()), ExpectedPackage.Agent(template), .. ExpectedPackage.Locked(template)]
            : [];
}
