using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;

namespace TemplateFleet;

// The supply chain in Publish (build/SupplyChain/README.md): SBOMs, versions, secret scan and security upgrades
// before a push; signature and attestations after it, verified before the pin is written; VerifyPins for consumers.
internal sealed partial class Build
{
    // The supply chain is part of every Publish. Leaving it out is for iterating on a loopback registry only (like
    // development packages): such pins carry no supplyChain record and VerifyPins refuses them.
    [Parameter("Publish without the supply chain (no SBOM, secret scan, security-upgrade gate, signature or attestation; the pins have no supplyChain record): for a loopback registry only")]
    readonly bool Unsigned;

    [Parameter("Cosign private key Publish signs with (a path to cosign.key, or its PEM text); default: a development key pair under output/, for a loopback registry only")]
    [Secret]
    readonly string? SigningKey;

    [Parameter("Password of --signing-key")]
    [Secret]
    readonly string? SigningKeyPassword;

    [Parameter("Public key (a path to cosign.pub, or its PEM text): Publish checks the signing key against it, VerifyPins verifies with it; default: the signing key's (development: output/)")]
    readonly string? SigningPublicKey;

    [Parameter("Commit the secret scan of the change starts after; default: GITHUB_BASE_REF, else the merge base with main")]
    readonly string? ChangeBase;

    SupplyChainTools? supplyChainTools;

    async Task<SupplyChainTools> SupplyChainToolsAsync() =>
        supplyChainTools ??= await SupplyChainTools.EnsureAsync(ToolInstaller.ForRepository(RootDirectory), Context.Paths, CancellationToken);

    /// <summary>A job of an Actions workflow (GitHub's and Gitea's runners both set GITHUB_ACTIONS): one of several runners.</summary>
    bool InActions => EnvironmentVariables.GetValueOrDefault("GITHUB_ACTIONS") == "true";

    /// <summary>PublishBase's precondition, before anything is built: a publish that could not sign (or may not go unsigned)
    /// stops here, not after the builds.</summary>
    void SupplyChainReady()
    {
        var registry = RegistryHost.Parse(Registry is { Length: > 0 } r ? r : FleetLoader.LoadFleet(RootDirectory).Images.Registry).ToString();
        if (Unsigned)
        {
            if (!RegistryHost.IsLoopbackRegistry(registry))
                throw new FleetUsageException($"--unsigned: {registry} is not on loopback; an image anyone else pulls is published with its SBOMs, secret scan and signature. Drop --unsigned.");
            return;
        }
        if (SigningKeys.Refusal(SigningKeyOptions, registry, InActions) is { } refusal)
            throw new FleetUsageException(refusal);
    }

    SigningKeyOptions SigningKeyOptions => new(SigningKey, SigningKeyPassword, SigningPublicKey, SupplyChainTools.DevelopmentKey(Context.Paths));

    SupplyChainPublishing? supplyChain;

    /// <summary>Publish's and PublishBase's supply chain: the key resolved and the change scanned once per run, before any push.</summary>
    async Task<IReadOnlyList<IPinContributor>> SupplyChainAsync()
    {
        if (Unsigned)
        {
            Serilog.Log.Warning("--unsigned: the images are published without SBOMs, secret scan, signature or attestation; VerifyPins refuses their pins.");
            return [];
        }
        if (supplyChain is null)
        {
            var tools = await SupplyChainToolsAsync();
            var registry = RegistryAddress;
            var key = await tools.SigningKeys().ResolveAsync(SigningKeyOptions, registry, InActions, CancellationToken);
            var (changeBase, findings) = await tools.ChangeScanner().ScanAsync(RootDirectory, ChangeBase, CancellationToken);
            var suppressionsFile = SecretSuppressions.PathIn(Run.Config.TemplatesDirectory);
            var gate = new SupplyChainGate(tools.Trivy, tools.SbomWriter(), new SecurityUpgradeCheck(Context.Engine.Client, Context.RunId),
                Context.Engine.Endpoint, SecretSuppressions.Load(suppressionsFile, RootDirectory), Path.GetRelativePath(RootDirectory, suppressionsFile));
            supplyChain = new SupplyChainPublishing(gate, tools.Signer(), key, RegistryLogin,
                ImageBuildOptions.CaTrust, new ChangeScan(changeBase, findings), SupplyChainPublishing.ExpectedFor(Run));
        }
        return [supplyChain];
    }

    /// <summary>VerifyPins: every selected template's pin, as it stands, against its registry.</summary>
    async Task VerifyPinsAsync()
    {
        var config = FleetLoader.LoadFleet(RootDirectory);
        var templates = FleetLoader.LoadTemplates(config, TemplateSelection.Resolve(config, Templates)); // none given: the whole fleet
        var pins = new List<PinToVerify>();
        var missing = new List<string>();
        foreach (var template in templates)
        {
            var file = PinFile.PathFor(template);
            if (PinFile.ReadIfExists(file) is not { } pin)
            {
                missing.Add($"{Path.GetRelativePath(RootDirectory, file)}: no pin to verify; publish {template.Name} first, or leave it out (--templates).");
                continue;
            }
            IReadOnlyList<ExpectedPackage> expected = pin.RuntimeVersion is { } runtime && pin.AgentVersion is { } agent
                ? [ExpectedPackage.Runtime(config.Runtime.Package, runtime.ToString()), ExpectedPackage.Agent(template with { Agent = template.Agent with { Version = agent } })]
                : [];
            pins.Add(new PinToVerify(template.Name, pin.Image, pin.Digest, expected, pin.SupplyChain));
        }

        if (missing.Count > 0)
            throw new FleetException(string.Join("\n", missing));

        var tools = await SupplyChainToolsAsync();
        var registry = RegistryHost.Parse(Registry is { Length: > 0 } r ? r : pins.FirstOrDefault()?.Repository.Split('/')[0] ?? config.Images.Registry).ToString();
        var publicKey = SigningPublicKey is { Length: > 0 } given
            ? SigningKeys.ReadPublicKey(given, "--signing-public-key")
            : RegistryHost.IsLoopbackRegistry(registry)
                ? (await tools.SigningKeys().DevelopmentAsync(SupplyChainTools.DevelopmentKey(Context.Paths), CancellationToken)).PublicKeyPem
                : throw new FleetUsageException($"VerifyPins needs --signing-public-key (cosign.pub of the key that publishes this fleet): {registry} is not on loopback.");
        var verifier = new PinVerifier(tools.Verifier(), Context.Engine.Client, new SecurityUpgradeCheck(Context.Engine.Client, Context.RunId), SupplyChainTools.Scratch(Context.Paths));
        var results = await verifier.VerifyAsync(pins, publicKey, new RegistryCredentials(registry, RegistryUsername, RegistryPassword), checkSecurity: true, CancellationToken);

        foreach (var result in results)
        {
            if (result.Passed)
                Serilog.Log.Information("VerifyPins: {Template} verified{Pending}", result.Template,
                    result.PendingSincePublished.Count == 0 ? "" : $"; {result.PendingSincePublished.Count} security upgrade(s) pending since it was published: {string.Join(", ", result.PendingSincePublished.Take(12))}");
            else
                Serilog.Log.Error("VerifyPins: {Problems}", string.Join("; ", result.Problems));
        }
        var failed = results.Where(r => !r.Passed).ToList();
        ReportSummary(_ => _.AddPair("verified", $"{results.Count - failed.Count}/{results.Count} pins"));
        if (failed.Count > 0)
            throw new FleetException("VerifyPins: " + string.Join("\n", failed.SelectMany(f => f.Problems)));
    }
}
