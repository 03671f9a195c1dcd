namespace TemplateFleet.KeepCurrent;

/// <summary>One input moved to one version: what Bump changes and rebuilds, settled before anything is written.</summary>
/// <param name="Release">The version as its source offers it (publish time, security fix).</param>
public sealed record BumpRequest(UpstreamInput Input, string Version, UpstreamRelease Release)
{
    /// <summary>"codex 0.130.0 → 0.171.0".</summary>
    public string Subject => Input.Current == Version ? $"{Input.Name} {Version} (lock refreshed)" : $"{Input.Name} {Input.Current ?? "(none)"} → {Version}";

    /// <summary>True when the data already holds the version: only the lock is written again.</summary>
    public bool Relock => Input.Current == Version;
}
