using TemplateFleet.Fleet;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>trivy and cosign at their pins (build/Tools/tools.yaml), installed on first use, and the folders
/// the supply-chain steps use under output/.</summary>
public sealed record SupplyChainTools(TrivyCli Trivy, CosignCli Cosign, RunPaths Paths)
{
    /// <summary>trivy's layer cache: a layer the fleet shares is scanned once, also across runs.</summary>
    public static string TrivyCache(RunPaths paths) => Path.Combine(paths.SupplyChain, "trivy-cache");
    /// <summary>The development key pair of this host (for the loopback registry only).</summary>
    public static string DevelopmentKey(RunPaths paths) => Path.Combine(paths.SupplyChain, "development-key");
    /// <summary>Parent of the private (0700) folders that live for one step.</summary>
    public static string Scratch(RunPaths paths) => Path.Combine(paths.SupplyChain, "tmp");

    public static async Task<SupplyChainTools> EnsureAsync(ToolInstaller installer, RunPaths paths, CancellationToken ct)
    {
        var trivy = await installer.EnsureAsync(KnownTools.Trivy, ct);
        var cosign = await installer.EnsureAsync(KnownTools.Cosign, ct);
        return new SupplyChainTools(new TrivyCli(trivy, TrivyCli.SecretConfigIn(paths.Root), TrivyCache(paths)), new CosignCli(cosign), paths);
    }

    public SbomWriter SbomWriter() => new(Trivy, Paths.Sboms, Scratch(Paths));
    public ChangeScanner ChangeScanner() => new(Trivy, Scratch(Paths));
    public SigningKeys SigningKeys() => new(Cosign);
    public SignatureVerifier Verifier() => new(Cosign);
    public ImageSigner Signer() => new(Cosign, Verifier(), Scratch(Paths));
}
