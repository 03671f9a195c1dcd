namespace TemplateFleet.Gates;

/// <summary>The provisioner shape a gate could actually start on this engine.</summary>
public sealed record ResolvedShape(bool Privileged, IReadOnlyList<string> MissingCapabilities, string Evidence)
{
    public const string FallbackDescription = "fallback: all grantable capabilities, seccomp/apparmor unconfined";

    /// <summary>What every report states: "privileged" or the declared fallback.</summary>
    public string Description => Privileged ? "privileged" : FallbackDescription;
}
