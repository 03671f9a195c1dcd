using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

// templates/t4-contract.yaml after strict parsing (ContractLoader). Immutable.

/// <summary>The fleet's T4 privilege contract: the provisioner shape, the readiness rule and the capabilities.</summary>
public sealed record Contract(
    ProvisionerShape Provisioner,
    ReadinessRule Readiness,
    IReadOnlyList<Capability> Capabilities);

/// <summary>How the platform's provisioner starts a tier-4 workspace.</summary>
public sealed record ProvisionerShape(bool Privileged, string PidMode, IReadOnlyList<BindMount> Binds);

/// <summary>A bind mount; <see cref="Source"/> <c>docker-socket</c> means the engine's socket (from its endpoint).</summary>
public sealed record BindMount(string Source, string Target)
{
    public const string DockerSocket = "docker-socket";
}

/// <summary>Wait (bounded) until the runtime's health endpoint answers.</summary>
public sealed record ReadinessRule(int TimeoutSeconds, int IntervalMilliseconds);

/// <summary>One capability: a shell probe (run with <c>sh -c</c> as <see cref="User"/>) that exits 0 when it holds.</summary>
public sealed record Capability(
    string Id,
    Severity Severity,
    string User,
    string Probe,
    int TimeoutSeconds,
    string Description);
