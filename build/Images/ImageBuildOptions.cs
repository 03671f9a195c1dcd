namespace TemplateFleet.Images;

/// <param name="RepositoryRoot">Logs go to RepositoryRoot/output/logs; the git revision is read here.</param>
/// <param name="Parallelism">Templates built at once; 0 means Environment.ProcessorCount.</param>
/// <param name="CaBundle">Extra CA bundle injected into the base as fleet-extra-ca.crt; null means
/// $SSL_CERT_FILE when set, else an empty file. Its content is never logged.</param>
/// <param name="Verify">Run the post-build checks (runtime version, CLI runs).</param>
/// <param name="Output">Output folder (logs, OS bootstrap scratch); null means RepositoryRoot/output.</param>
public sealed record ImageBuildOptions(
    string RepositoryRoot,
    int Parallelism = 0,
    bool NoCache = false,
    string? CaBundle = null,
    bool Verify = true,
    string? Output = null)
{
    public const string CaBundleFileName = "fleet-extra-ca.crt";

    public int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;
    public string OutputDirectory => Output ?? Path.Combine(RepositoryRoot, "output");
    public string LogsDirectory => Path.Combine(OutputDirectory, "logs");

    public string? EffectiveCaBundle => CaBundle ?? (Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file ? file : null);
}
