using TemplateFleet.PackageIndex;

namespace TemplateFleet.Fleet;

/// <summary>
/// One invocation of the build over the fleet: what Restore settled, typed and fixed for the run. The run's
/// other inputs are its <see cref="RunContext"/>; what the stages make are records in its
/// <c>Results.ResultStore</c>, each written once.
/// </summary>
/// <param name="Templates">The templates this run works on (the selection), in fleet order.</param>
/// <param name="RuntimeVersion">The RUNTIME_VERSION of every image of this run: the parameter, or the newest on the index.</param>
/// <param name="PackageIndexUrl">The index pip uses inside builds (simple API URL).</param>
public sealed record FleetRun(FleetConfig Config, IReadOnlyList<Template> Templates, Pep440Version RuntimeVersion, string PackageIndexUrl)
{
    /// <summary>Where RUNTIME_VERSION came from: "parameter" or the index it was resolved on.</summary>
    public string RuntimeVersionSource { get; init; } = "parameter";
    /// <summary>True when the packages come from the embedded development index.</summary>
    public bool DevelopmentPackages { get; init; }
}
