using TemplateFleet.Fleet;

namespace TemplateFleet.Restore;

/// <summary>What <see cref="DockerfileGate"/> holds one Dockerfile to.</summary>
/// <param name="RuntimePackage">The runtime's Python package; the layer installing it must use ARG RUNTIME_VERSION.</param>
/// <param name="Agent">The agent CLI the Dockerfile must install, pinned; null for the base image.</param>
/// <param name="RequireFromArg">Every FROM must be `FROM ${ARG}` of an ARG declared before it (templates build FROM the base by digest).</param>
/// <param name="RepositoryRoot">Findings name files relative to it; null = as given.</param>
public sealed record DockerfileRules(string RuntimePackage, AgentCli? Agent, bool RequireFromArg, string? RepositoryRoot = null)
{
    public static DockerfileRules ForTemplate(FleetConfig fleet, Template template) =>
        new(fleet.Runtime.Package, template.Agent, RequireFromArg: true, FleetLoader.RepositoryRoot(fleet));

    public static DockerfileRules ForBase(FleetConfig fleet) =>
        new(fleet.Runtime.Package, Agent: null, RequireFromArg: false, FleetLoader.RepositoryRoot(fleet));
}
