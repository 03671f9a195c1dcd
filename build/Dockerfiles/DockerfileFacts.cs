using TemplateFleet.Fleet;

namespace TemplateFleet.Dockerfiles;

/// <summary>The fleet facts <see cref="DockerfileGate"/> holds one Dockerfile to.</summary>
/// <param name="RuntimePackage">The runtime's Python package (fleet.yaml runtime.package); the layer installing it must use ARG RUNTIME_VERSION.</param>
/// <param name="Agent">The agent CLI a template must install (template.yaml agent); null for the base image.</param>
/// <param name="RepositoryRoot">Findings name files relative to it; null = as given.</param>
public sealed record DockerfileFacts(string RuntimePackage, AgentCli? Agent, string? RepositoryRoot = null)
{
    /// <summary>A template builds FROM the base by digest and installs an agent; the base does neither.</summary>
    public bool IsTemplate => Agent is not null;

    /// <summary>The build arguments the build passes to this Dockerfile.</summary>
    public IReadOnlyList<BuildArg> PassedArgs => IsTemplate ? BuildArgs.Template : BuildArgs.Base;

    /// <summary>The facts of a template's Dockerfile, or of the base's when <paramref name="template"/> is null.</summary>
    public static DockerfileFacts For(FleetConfig fleet, Template? template) =>
        new(fleet.Runtime.Package, template?.Agent, FleetLoader.RepositoryRoot(fleet));
}
