using Docker.DotNet;
using TemplateFleet.Fleet;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// trivy and cosign at their pins (build/Tools/tools.yaml, installed on first use into the per-user cache), the
/// secret scanner's rules, the supply chain's caches in the per-user cache (&lt;cache&gt;/supply-chain/: trivy's
/// layer cache, the secret scan per layer, the SBOMs per layer set, the security archive's index) and this
/// checkout's folders (the development key, private scratch folders under output/).
/// </summary>
public sealed record SupplyChainTools(TrivyCli Trivy, CosignCli Cosign, SecretRules Rules, CacheHome Cache, RunPaths Paths)
{
    /// <summary>The development key pair of this host (for the loopback registry only).</summary>
    public static string DevelopmentKey(RunPaths paths) => Path.Combine(paths.SupplyChain, "development-key");
    /// <summary>Parent of the private (0700) folders that live for one step.</summary>
    public static string Scratch(RunPaths paths) => Path.Combine(paths.SupplyChain, "tmp");

    public static async Task<SupplyChainTools> EnsureAsync(ToolInstaller installer, CacheHome cache, RunPaths paths, CancellationToken ct)
    {
        var rules = SecretRules.Load(paths.Root);
        var trivy = await installer.EnsureAsync(KnownTools.Trivy, ct);
        var cosign = await installer.EnsureAsync(KnownTools.Cosign, ct);
        return new SupplyChainTools(new TrivyCli(trivy, installer.Manifest[KnownTools.Trivy].Source.Identity, Folder(cache, "trivy")), new CosignCli(cosign), rules, cache, paths);
    }

    /// <summary>One of the supply chain's caches in the per-user cache.</summary>
    public static string Folder(CacheHome cache, string name) => Path.Combine(cache.SupplyChain, name);

    public SecretScanner Scanner() => new(Rules);
    public SbomWriter SbomWriter() => new(Trivy, Paths.Sboms, Scratch(Paths), Folder(Cache, "sbom"));
    public SecretScanCache SecretCache() => new(Folder(Cache, "secrets"), Rules);
    public ImageScanner ImageScanner(IDockerClient docker) => new(docker, Scanner(), SecretCache(), Trivy, SbomWriter(), Scratch(Paths));
    /// <summary>Debian's security archive through the private apt configuration; one per run, so each index is fetched once.</summary>
    public SecurityArchive SecurityArchive() => SupplyChain.SecurityArchive.ForHost(Folder(Cache, "apt"));
    public ChangeScanner ChangeScanner() => new(Scanner());
    public SigningKeys SigningKeys() => new(Cosign);
    public SignatureVerifier Verifier() => new(Cosign);
    public ImageSigner Signer() => new(Cosign, Verifier(), Scratch(Paths));
}
