using TemplateFleet.PackageIndex;

namespace TemplateFleet.Fleet;

/// <summary>
/// One invocation of the build over the fleet: what Restore settled, typed and fixed for the run. The run's
/// other inputs are its <see cref="RunContext"/>; what the stages make are records in its
/// <c>Results.ResultStore</c>, each written once.
/// </summary>
public sealed class FleetRun(FleetConfig config, IReadOnlyList<Template> templates, Pep440Version runtimeVersion, string packageIndexUrl)
{
    public FleetConfig Config { get; } = config;

    /// <summary>The templates this run works on (the selection), in fleet order.</summary>
    public IReadOnlyList<Template> Templates { get; } = templates;

    /// <summary>The RUNTIME_VERSION of every image of this run: the parameter, or the newest on the index.</summary>
    public Pep440Version RuntimeVersion { get; } = runtimeVersion;
    /// <summary>Where RUNTIME_VERSION came from: "parameter" or the index it was resolved on.</summary>
    public string RuntimeVersionSource { get; init; } = "parameter";
    /// <summary>The index pip uses inside builds (simple API URL).</summary>
    public string PackageIndexUrl { get; } = packageIndexUrl;
    /// <summary>True when the packages come from the embedded development index.</summary>
    public bool DevelopmentPackages { get; init; }

    public Template this[string name] => Templates.Single(t => t.Name == name);
}
