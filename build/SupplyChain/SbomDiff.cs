namespace TemplateFleet.SupplyChain;

/// <summary>What changed between the SBOM of a pinned image and the SBOM of its successor, for the pull request body.</summary>
public sealed record SbomDiff(
    string Runtime, string? RuntimeBefore, string? RuntimeAfter,
    string Agent, string? AgentBefore, string? AgentAfter,
    int DebianAdded, int DebianRemoved, int DebianUpgraded)
{
    public int DebianChanged => DebianAdded + DebianRemoved + DebianUpgraded;

    /// <param name="runtime">The runtime's package (pypi), e.g. molecule-ai-workspace-runtime.</param>
    /// <param name="agent">The agent CLI, as the template declares it.</param>
    public static SbomDiff Between(Sbom before, Sbom after, ExpectedPackage runtime, ExpectedPackage agent)
    {
        var debianBefore = DebianVersions(before);
        var debianAfter = DebianVersions(after);
        return new SbomDiff(
            runtime.Name, VersionOf(before, runtime), VersionOf(after, runtime),
            agent.Name, VersionOf(before, agent), VersionOf(after, agent),
            DebianAdded: debianAfter.Keys.Count(k => !debianBefore.ContainsKey(k)),
            DebianRemoved: debianBefore.Keys.Count(k => !debianAfter.ContainsKey(k)),
            DebianUpgraded: debianAfter.Count(kv => debianBefore.TryGetValue(kv.Key, out var old) && old != kv.Value));
    }

    /// <summary>One markdown line: "runtime 1.0.0 → 1.0.7 · agent CLI 0.130.0 (unchanged) · Debian packages: 3 changed (...)".</summary>
    public string ToMarkdown() =>
        $"runtime `{Runtime}` {Change(RuntimeBefore, RuntimeAfter)} · agent CLI `{Agent}` {Change(AgentBefore, AgentAfter)} · "
        + (DebianChanged == 0
            ? "Debian packages: none changed"
            : $"Debian packages: {DebianChanged} changed ({DebianAdded} added, {DebianRemoved} removed, {DebianUpgraded} new versions)");

    /// <summary>What one SBOM says, when there is no earlier one to compare with: "runtime `x` 1.0.7 · agent CLI `y` 0.130.0 · 123 Debian packages".</summary>
    public static string Describe(Sbom sbom, ExpectedPackage runtime, ExpectedPackage agent) =>
        $"runtime `{runtime.Name}` {VersionOf(sbom, runtime) ?? "absent"} · agent CLI `{agent.Name}` {VersionOf(sbom, agent) ?? "absent"} · "
        + $"{DebianVersions(sbom).Count} Debian packages";

    static string Change(string? before, string? after) =>
        before == after ? $"{after ?? "absent"} (unchanged)" : $"{before ?? "absent"} → {after ?? "absent"}";

    // The version the image runs: the exact pin when a platform build is listed beside it ("0.130.0-linux-x64").
    static string? VersionOf(Sbom sbom, ExpectedPackage package)
    {
        var versions = sbom.Packages.Where(package.IsNamed).Select(p => p.Version).Distinct().Order(StringComparer.Ordinal).ToList();
        return versions.FirstOrDefault(v => !versions.Any(o => o != v && v.StartsWith(o + "-", StringComparison.Ordinal))) ?? versions.FirstOrDefault();
    }

    static Dictionary<string, string> DebianVersions(Sbom sbom) =>
        sbom.InEcosystem("deb").GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(p => p.Version).Distinct().Order(StringComparer.Ordinal)), StringComparer.Ordinal);
}
