using System.Collections.Concurrent;
using TemplateFleet.Fleet;
using TemplateFleet.Publishing;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// The supply chain inside Publish. Before a push (<see cref="IPrePushCheck"/>): SBOMs, their versions, the
/// secret scan (layers, config, the change) and the security-upgrade gate; a refusal fails that image's publish
/// before anything reaches the registry. After the push and the pull-by-digest check (<see cref="IPinContributor"/>):
/// sign, attest both SBOMs, verify against the public key, and the record goes into the pin as "supplyChain".
/// </summary>
public sealed class SupplyChainPublishing(SupplyChainGate gate, ImageSigner signer, SigningKey key, RegistryCredentials registry,
    CaTrust caTrust, ChangeScan change, Func<string, IReadOnlyList<ExpectedPackage>> expected) : IPrePushCheck, IPinContributor
{
    readonly ConcurrentDictionary<string, SupplyChainCheck> checks = new(StringComparer.Ordinal);

    public async Task BeforePushAsync(string name, string imageId, CancellationToken ct)
    {
        var check = await gate.CheckAsync(name, imageId, expected(name), change, ct);
        if (!check.Passed)
            throw new SupplyChainException($"{name}: the supply-chain gate refused the image, nothing was pushed:\n{string.Join("\n", check.Problems)}");
        checks[imageId] = check;
    }

    public async Task<IPinSection?> ContributeAsync(Pin pin, string imageId, CancellationToken ct)
    {
        if (!checks.TryGetValue(imageId, out var check))
            throw new SupplyChainException($"{pin.Template}: {imageId} was pushed without the supply-chain gate; no pin is written.");
        var record = await signer.SignAsync(check, pin.Image, pin.Digest, key, registry, expected(pin.Template), caTrust, change.Base, ct);
        return new SupplyChainPinSection(record);
    }

    /// <summary>What an image must hold by its SBOM: a template the runtime at the run's version and its agent CLI at its pin; the base neither.</summary>
    public static Func<string, IReadOnlyList<ExpectedPackage>> ExpectedFor(FleetRun run) => name =>
        run.Templates.FirstOrDefault(t => t.Name == name) is { } template
            ? [ExpectedPackage.Runtime(run.Config.Runtime.Package, run.RuntimeVersion.ToString()), ExpectedPackage.Agent(template)]
            : [];
}
