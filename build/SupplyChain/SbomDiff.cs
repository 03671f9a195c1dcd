namespace TemplateFleet.SupplyChain;

/// <summary>What changed in one ecosystem of an image's SBOM ("Debian", "Python", "npm"): each entry "name version",
/// "name" (removed) or "name old → new".</summary>
public sealed record PackageChanges(string Label, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Upgraded)
{
    /// <summary>How many names a line lists before it says how many more there are.</summary>
    public const int Shown = 8;

    public int Changed => Added.Count + Removed.Count + Upgraded.Count;

    /// <summary>"npm packages: 2 changed (1 added, 0 removed, 1 new versions: +ws 8.2.0, undici 6.1.0 → 6.2.0)".</summary>
    public string ToMarkdown()
    {
        if (Changed == 0)
            return $"{Label} packages: none changed";
        var names = Added.Select(a => "+" + a).Concat(Removed.Select(r => "-" + r)).Concat(Upgraded).ToList();
        var listed = string.Join(", ", names.Take(Shown)) + (names.Count > Shown ? $", and {names.Count - Shown} more" : "");
        return $"{Label} packages: {Changed} changed ({Added.Count} added, {Removed.Count} removed, {Upgraded.Count} new versions: {listed})";
    }
}

/// <summary>
/// What changed between the SBOM of a pinned image and the SBOM of its successor, for the pull request body: the
/// runtime and the agent CLI by version, then every other package by ecosystem, transitive ones included (the
/// runtime's resolved Python packages, the agent's locked npm tree, the OS).
/// </summary>
public sealed record SbomDiff(
    string Runtime, string? RuntimeBefore, string? RuntimeAfter,
    string Agent, string? AgentBefore, string? AgentAfter,
    IReadOnlyList<PackageChanges> Packages)
{
    /// <summary>The ecosystems compared beyond the runtime and the agent, by their package-URL type, in the order the line gives them.</summary>
    static readonly (string Type, string Label)[] Ecosystems = [("deb", "Debian"), ("pypi", "Python"), ("npm", "npm")];

    /// <param name="runtime">The runtime's package (pypi), e.g. molecule-ai-workspace-runtime.</param>
    /// <param name="agent">The agent CLI, as the template declares it.</param>
    public static SbomDiff Between(Sbom before, Sbom after, ExpectedPackage runtime, ExpectedPackage agent) => new(
        runtime.Name, VersionOf(before, runtime), VersionOf(after, runtime),
        agent.Name, VersionOf(before, agent), VersionOf(after, agent),
        [.. Ecosystems.Select(e => Compare(e.Label, Versions(before, e.Type, runtime, agent), Versions(after, e.Type, runtime, agent)))]);

    /// <summary>One markdown line: "runtime … 1.0.0 → 1.0.7 · agent CLI … 0.130.0 (unchanged) · Debian packages: 3 changed (…) · Python packages: none changed · …".</summary>
    public string ToMarkdown() =>
        $"runtime `{Runtime}` {Change(RuntimeBefore, RuntimeAfter)} · agent CLI `{Agent}` {Change(AgentBefore, AgentAfter)} · "
        + string.Join(" · ", Packages.Select(p => p.ToMarkdown()));

    /// <summary>What one SBOM says, when there is no earlier one to compare with: "runtime `x` 1.0.7 · agent CLI `y` 0.130.0 · 123 Debian, 40 Python, 0 npm packages".</summary>
    public static string Describe(Sbom sbom, ExpectedPackage runtime, ExpectedPackage agent) =>
        $"runtime `{runtime.Name}` {VersionOf(sbom, runtime) ?? "absent"} · agent CLI `{agent.Name}` {VersionOf(sbom, agent) ?? "absent"} · "
        + string.Join(", ", Ecosystems.Select(e => $"{Versions(sbom, e.Type, runtime, agent).Count} {e.Label}")) + " packages";

    static PackageChanges Compare(string label, Dictionary<string, string> before, Dictionary<string, string> after) => new(label,
        [.. after.Where(kv => !before.ContainsKey(kv.Key)).Select(kv => $"{kv.Key} {kv.Value}")],
        [.. before.Keys.Where(k => !after.ContainsKey(k))],
        [.. after.Where(kv => before.TryGetValue(kv.Key, out var old) && old != kv.Value).Select(kv => $"{kv.Key} {before[kv.Key]} → {kv.Value}")]);

    static string Change(string? before, string? after) =>
        before == after ? $"{after ?? "absent"} (unchanged)" : $"{before ?? "absent"} → {after ?? "absent"}";

    // The version the image runs: the exact pin when a platform build is listed beside it ("0.130.0-linux-x64").
    static string? VersionOf(Sbom sbom, ExpectedPackage package)
    {
        var versions = sbom.Packages.Where(package.IsNamed).Select(p => p.Version).Distinct().Order(StringComparer.Ordinal).ToList();
        return versions.FirstOrDefault(v => !versions.Any(o => o != v && v.StartsWith(o + "-", StringComparison.Ordinal))) ?? versions.FirstOrDefault();
    }

    /// <summary>Name → its versions in one ecosystem, sorted by name; the runtime and the agent have their own part of the line.</summary>
    static Dictionary<string, string> Versions(Sbom sbom, string ecosystem, ExpectedPackage runtime, ExpectedPackage agent) =>
        sbom.InEcosystem(ecosystem).Where(p => !runtime.IsNamed(p) && !agent.IsNamed(p)).GroupBy(p => p.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(p => p.Version).Distinct().Order(StringComparer.Ordinal)), StringComparer.Ordinal);
}
