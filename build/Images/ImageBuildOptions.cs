using TemplateFleet.SupplyChain;

namespace TemplateFleet.Images;

/// <param name="Parallelism">Templates built at once; 0 means Environment.ProcessorCount.</param>
/// <param name="CaBundle">Extra CA bundle injected into the base as fleet-extra-ca.crt; null means
/// $SSL_CERT_FILE when set, else an empty file. Its content is never logged.</param>
/// <param name="ReleaseRegistry">host[:port] when this run publishes: a template whose release inputs equal its pin's
/// there is not built (its pin stands). Null: every template is built (and gated).</param>
public sealed record ImageBuildOptions(
    int Parallelism = 0,
    bool NoCache = false,
    string? CaBundle = null,
    string? ReleaseRegistry = null)
{
    public const string CaBundleFileName = "fleet-extra-ca.crt";

    public int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;

    public string? EffectiveCaBundle => CaBundle ?? (Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file ? file : null);

    /// <summary>The base's stage that keeps the extra CA trusted at run time (templates/base/Dockerfile).</summary>
    public const string RunTimeTrustStage = "ca-trusted-at-run-time";

    /// <summary>--trust-ca-bundle-at-runtime: the shipped images keep trusting the extra CA bundle at run time.</summary>
    public bool TrustCaBundleAtRunTime { get; init; }

    /// <summary>What the shipped images trust of the extra CA bundle at run time; the base records it as its ca-trust label.</summary>
    public CaTrust CaTrust => EffectiveCaBundle is null ? CaTrust.None : TrustCaBundleAtRunTime ? CaTrust.RunTime : CaTrust.BuildOnly;
}
