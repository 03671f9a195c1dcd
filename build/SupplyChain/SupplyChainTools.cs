using Docker.DotNet;
using TemplateFleet.Files;
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
        var identity = installer.Manifest[KnownTools.Trivy].Source.Identity;
        var trivy = await UnpackedAsync(installer, await installer.EnsureAsync(KnownTools.Trivy, ct), identity, cache, ct);
        return new SupplyChainTools(new TrivyCli(trivy, identity, Folder(cache, "trivy")), new CosignCli(await installer.EnsureAsync(KnownTools.Cosign, ct)), rules, cache, paths);
    }

    /// <summary>
    /// trivy ships packed with UPX, so every start decompresses it (about 3 s of CPU, three starts per image made
    /// anew). It is unpacked once per trivy pin into the cache with the pinned UPX, checked to run, and that copy
    /// is used; if it cannot be unpacked the packed one is, and the log says why.
    /// </summary>
    static async Task<string> UnpackedAsync(ToolInstaller installer, string packed, string identity, CacheHome cache, CancellationToken ct)
    {
        var folder = Path.Combine(Folder(cache, "trivy-unpacked"), LayerSecretScan.Sha256(identity)[..24]);
        var unpacked = Path.Combine(folder, Path.GetFileName(packed));
        if (File.Exists(unpacked))
            return unpacked;
        using var _ = await FileLock.AcquireAsync(folder + ".lock", $"unpacking {Path.GetFileName(packed)}", CacheHome.LockTimeout, ct);
        if (File.Exists(unpacked))
            return unpacked;
        var upx = await installer.EnsureAsync(KnownTools.Upx, ct);
        Directory.CreateDirectory(folder);
        var partial = unpacked + $".partial-{Guid.NewGuid():N}";
        try
        {
            var run = await ToolProcess.RunAsync(upx, ["-d", "-q", "-o", partial, packed], folder, TimeSpan.FromMinutes(5), ct);
            var check = run.Succeeded ? await ToolProcess.RunAsync(partial, ["--version"], folder, TimeSpan.FromMinutes(1), ct) : run;
            if (!check.Succeeded || !check.Output.Contains("Version:", StringComparison.Ordinal))
            {
                Serilog.Log.Warning("trivy could not be unpacked with UPX ({Reason}); the packed trivy is used, each start decompressing it",
                    check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit {check.ExitCode}");
                return packed;
            }
            File.Move(partial, unpacked);
            Serilog.Log.Information("Unpacked trivy once into {Path}: each start no longer decompresses it", unpacked);
            return unpacked;
        }
        finally
        {
            if (File.Exists(partial))
                File.Delete(partial);
        }
    }

    /// <summary>One of the supply chain's caches in the per-user cache.</summary>
    public static string Folder(CacheHome cache, string name) => Path.Combine(cache.SupplyChain, name);

    public SecretScanner Scanner() => new(Rules);
    public SbomWriter SbomWriter() => new(Trivy, Paths.Sboms, Scratch(Paths), Folder(Cache, "sbom"));
    public SecretScanCache SecretCache() => new(Folder(Cache, "secrets"), Rules);
    public ImageScanner ImageScanner(IDockerClient docker) => new(docker, Scanner(), SecretCache(), Trivy, SbomWriter(), Scratch(Paths));
    /// <summary>Debian's security archive through the private apt configuration; one per run, so each index is fetched once.</summary>
    public SecurityArchive SecurityArchive() => SupplyChain.SecurityArchive.ForHost(Folder(Cache, "apt"));
    public SigningKeys SigningKeys() => new(Cosign);
    public SignatureVerifier Verifier() => new(Cosign);
    public ImageSigner Signer() => new(Cosign, Verifier(), Scratch(Paths));
}
