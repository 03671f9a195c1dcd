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

    /// <summary>The per-user cache folder (tools, scan caches, the loopback registry's storage): $FLEET_CACHE_HOME, else XDG's.</summary>
    CacheHome Cache => CacheHome.Resolve(EnvironmentVariables);

    async Task<SupplyChainTools> SupplyChainToolsAsync() =>
        supplyChainTools ??= await SupplyChainTools.EnsureAsync(ToolInstaller.ForRepository(RootDirectory, Cache), Cache, Context.Paths, CancellationToken);

    /// <summary>A job of an Actions workflow (GitHub's and Gitea's runners both set GITHUB_ACTIONS): one of several runners.</summary>
    bool InActions => EnvironmentVariables.GetValueOrDefault("GITHUB_ACTIONS") == "true";

    /// <summary>PublishBase's precondition, before anything is built: a publish that could not sign (or may not go unsigned)
    /// stops here, not after the builds.</summary>
    void SupplyChainReady()
    {
        var registry = RegistryHost.Parse(Registry is { Length: > 0 } r ? r : FleetLoader.LoadFleet(RootDirectory).Images.Registry).ToString();
        if (Unsigned && !RegistryHost.IsLoopbackRegistry(registry))
            throw new FleetUsageException($"--unsigned: {registry} is not on loopback; an image anyone else pulls is published with its SBOMs, secret scan and signature. Drop --unsigned.");
        if (!Unsigned && SigningKeys.Refusal(SigningKeyOptions, registry, InActions) is { } refusal)
            throw new FleetUsageException(refusal);
    }

    SigningKeyOptions SigningKeyOptions => new(SigningKey, SigningKeyPassword, SigningPublicKey, SupplyChainTools.DevelopmentKey(Context.Paths));

    SupplyChainPublishing? supplyChain;
    ChangeScan? changeScan;

    /// <summary>
    /// A publishing run scans the change being built first, before anything is built or logged (Restore's first
    /// step): a credential in it stops the run here, masked, instead of being printed by a build step that writes
    /// it. Needs only the rules, no tool and no engine. Whatever it finds is masked from then on.
    /// </summary>
    async Task ScanChangeBeforeBuildAsync()
    {
        if (!Releases || Unsigned || changeScan is not null)
            return;
        var scan = await new ChangeScanner(new SecretScanner(SecretRules.Load(RootDirectory))).ScanAsync(RootDirectory, ChangeBase, CancellationToken);
        OnSecretsFound(scan.Secrets ?? []);
        var config = FleetLoader.LoadFleet(RootDirectory);
        var suppressionsFile = SecretSuppressions.PathIn(config.TemplatesDirectory);
        var result = SecretScanResult.Of("the change", scan.Findings, SecretSuppressions.Load(suppressionsFile, RootDirectory), ["change"]);
        if (!result.Passed)
            throw new FleetException(result.Refusal(Path.GetRelativePath(RootDirectory, suppressionsFile)) + "\nNothing was built or pushed.");
        changeScan = scan;
    }

    /// <summary>Secrets a scan found: masked in everything printed from now on, and in the run's logs already written
    /// (each file rewritten with every found value masked).</summary>
    void OnSecretsFound(IReadOnlyCollection<string> secrets)
    {
        foreach (var secret in secrets)
            Masker.Add(secret);
        if (secrets.Count == 0 || !Directory.Exists(Context.Paths.Logs))
            return;
        foreach (var file in Directory.EnumerateFiles(Context.Paths.Logs, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            if (Masker.Apply(text) is var masked && masked != text)
                File.WriteAllText(file, masked);
        }
    }

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
            var key = await tools.SigningKeys().ResolveAsync(SigningKeyOptions, RegistryAddress, InActions, CancellationToken);
            await ScanChangeBeforeBuildAsync();
            var suppressionsFile = SecretSuppressions.PathIn(Run.Config.TemplatesDirectory);
            var gate = new SupplyChainGate(tools.ImageScanner(Context.Engine.Client), tools.SecurityArchive(), DebianOrigin.Of(Run.Config),
                SecretSuppressions.Load(suppressionsFile, RootDirectory), Path.GetRelativePath(RootDirectory, suppressionsFile), secrets => OnSecretsFound(secrets));
            supplyChain = new SupplyChainPublishing(Run, gate, tools.Signer(), key, RegistryLogin, ImageBuildOptions.CaTrust, changeScan!, ProvenanceOf,
                Context.Paths.Reports);
        }
        return [supplyChain];
    }

    /// <summary>
    /// The build provenance of a pushed image: the source (the remote without credentials, as the images' source
    /// label has it; the commit), the target and the parameters (template, runtime version, the build args by name),
    /// the resolved inputs by digest (the base, the OS layer, the inputs address, the agent's lock files) and the
    /// run (this run's id, where it ran, when it started and now).
    /// </summary>
    ProvenanceFacts ProvenanceOf(Pin pin, SupplyChainCheck check)
    {
        var isBase = pin.Template == Run.Config.Base.Folder;
        var inputs = new List<ProvenanceInput>();
        if (pin.Base is { } @base)
            inputs.Add(new ProvenanceInput(Provenance.BaseInput, @base.Image, Provenance.Sha256(@base.Digest)));
        if (check.Layers.FirstOrDefault() is { } os)
            inputs.Add(new ProvenanceInput("os", pin.OsImage, Provenance.Sha256(os.DiffId)));
        if (pin.Inputs is { } address)
            inputs.Add(new ProvenanceInput("inputs", null, Provenance.Sha256(address)));
        var agent = Path.Combine(Run.Config.TemplatesDirectory, pin.Template, "agent");
        if (!isBase && Directory.Exists(agent))
        {
            foreach (var file in Directory.GetFiles(agent).Order(StringComparer.Ordinal))
                inputs.Add(Provenance.File("agent " + Path.GetFileName(file), Path.GetRelativePath(RootDirectory, file).Replace('\\', '/'), file));
        }
        var runner = InActions ? $"actions {EnvironmentVariables.GetValueOrDefault("RUNNER_NAME") ?? "runner"}, job {EnvironmentVariables.GetValueOrDefault("GITHUB_JOB") ?? "?"}" : "local";
        return new ProvenanceFacts(pin.Template, isBase ? nameof(PublishBase) : nameof(Publish), pin.RuntimeVersion?.ToString(),
            [.. (isBase ? BuildArgs.Base : BuildArgs.Template).Select(a => a.Name)], Context.Revision.Source, pin.Revision, inputs,
            $"{runner}, {Context.Engine.Endpoint.Scheme} engine", Context.RunId, RunStarted, DateTimeOffset.UtcNow);
    }

    static readonly DateTimeOffset RunStarted = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>The summary's per-image breakdown of the supply chain (PublishBase: the base, Publish: the templates): where its time went.</summary>
    void ReportSupplyChainTimings(bool @base)
    {
        var timings = supplyChain?.Timings.Where(t => (t.Template == Run.Config.Base.Folder) == @base).ToList();
        if (timings is not { Count: > 0 })
            return;
        ReportSummary(_ => _.AddPair("supply chain", string.Join("; ", timings.Select(t => $"{t.Template} {StepTimings.Seconds(t.Steps.Total)} ({t.Steps})"))));
    }

    /// <summary>VerifyPins: every selected template's pin, as it stands, against its registry.</summary>
    async Task VerifyPinsAsync()
    {
        var config = FleetLoader.LoadFleet(RootDirectory);
        var pinned = FleetLoader.LoadTemplates(config, TemplateSelection.Resolve(config, Templates)) // none given: the whole fleet
            .Select(t => (Template: t, File: Path.GetRelativePath(RootDirectory, PinFile.PathFor(t)), Pin: PinFile.ReadIfExists(PinFile.PathFor(t)))).ToList();
        var missing = pinned.Where(p => p.Pin is null).Select(p => $"{p.File}: no pin to verify; publish {p.Template.Name} first, or leave it out (--templates).").ToList();
        if (missing.Count > 0)
            throw new FleetException(string.Join("\n", missing));
        var pins = pinned.Select(p => new PinToVerify(p.Pin!, p.Pin!.RuntimeVersion is { } runtime && p.Pin.AgentVersion is { } agent
            ? [ExpectedPackage.Runtime(config.Runtime.Package, runtime.ToString()), ExpectedPackage.Agent(p.Template with { Agent = p.Template.Agent with { Version = agent } })]
            : [], p.File)).ToList();

        var tools = await SupplyChainToolsAsync();
        var registry = RegistryHost.Parse(Registry is { Length: > 0 } r ? r : pins.FirstOrDefault()?.Pin.Image.Split('/')[0] ?? config.Images.Registry).ToString();
        var publicKey = SigningPublicKey is { Length: > 0 } given
            ? SigningKeys.ReadPublicKey(given, "--signing-public-key")
            : RegistryHost.IsLoopbackRegistry(registry)
                ? (await tools.SigningKeys().DevelopmentAsync(SupplyChainTools.DevelopmentKey(Context.Paths), CancellationToken)).PublicKeyPem
                : throw new FleetUsageException($"VerifyPins needs --signing-public-key (cosign.pub of the key that publishes this fleet): {registry} is not on loopback.");
        var verifier = new PinVerifier(tools.Verifier(), tools.SecurityArchive(), DebianOrigin.Of(config), SupplyChainTools.Scratch(Context.Paths));
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
