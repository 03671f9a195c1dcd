namespace TemplateFleet.Fleet;

/// <summary>Where a run reads the repository and writes what it makes. The output folder is derived here
/// and only here; every stage takes its folder from these properties.</summary>
/// <param name="Root">The repository root.</param>
/// <param name="Output">The output folder: <c>&lt;root&gt;/output</c> for a build (<see cref="ForRepository"/>), elsewhere for tests.</param>
public sealed record RunPaths(string Root, string Output)
{
    public const string OutputFolder = "output";

    public static RunPaths ForRepository(string root) => new(root, Path.Combine(root, OutputFolder));

    /// <summary>Per-image build logs.</summary>
    public string Logs => Path.Combine(Output, "logs");
    /// <summary>JUnit and markdown reports of the gates.</summary>
    public string Reports => Path.Combine(Output, "reports");
    /// <summary>Scratch space of the OS bootstrap.</summary>
    public string Os => Path.Combine(Output, "os");
    /// <summary>What the image builder remembers between runs (verified image ids).</summary>
    public string Images => Path.Combine(Output, "images");
    /// <summary>dockerd's log when this build starts the engine.</summary>
    public string EngineLog => Path.Combine(Output, "engine", "dockerd.log");
    /// <summary>This run's results, one JSON record per stage and template (Results.ResultStore).</summary>
    public string Results => Path.Combine(Output, "results");
    /// <summary>Earlier jobs' artifacts, downloaded by a later job of the workflow (each in a folder named after its artifact).</summary>
    public string Jobs => Path.Combine(Output, "jobs");
    /// <summary>The SPDX and CycloneDX SBOM of each image (&lt;template&gt;.spdx.json, .cdx.json), as attested.</summary>
    public string Sboms => Path.Combine(Output, "sbom");
    /// <summary>The supply-chain work of this checkout: the development signing key, private scratch folders (the
    /// caches are in the per-user cache, Tools.CacheHome).</summary>
    public string SupplyChain => Path.Combine(Output, "supply-chain");
    /// <summary>TRX files and totals of ./build.sh Test.</summary>
    public string TestResults => Path.Combine(Output, "test-results");
}
