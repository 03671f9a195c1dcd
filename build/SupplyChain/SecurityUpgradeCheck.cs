using Serilog;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>The security upgrades an image lacks, against its own suite's security archive (and, for a package
/// fetched from another suite, that suite's).</summary>
/// <param name="Others">The other suites' archives a package was checked against ("trixie-security"), if any.</param>
public sealed record SecurityUpgradeReport(string Template, string Suite, IReadOnlyList<PendingUpgrade> Pending, DateTimeOffset CheckedAt, IReadOnlyList<string>? Others = null)
{
    public bool Passed => Pending.Count == 0;

    string Archives => $"{Suite}-security" + (Others is { Count: > 0 } others ? $"; {string.Join(", ", others)}" : "");

    public string Summary() => Passed
        ? $"{Template}: no pending security upgrade ({Archives})"
        : $"{Template}: {Pending.Count} pending security upgrade{(Pending.Count == 1 ? "" : "s")} from {Archives}: "
          + string.Join(", ", Pending.Take(12)) + (Pending.Count > 12 ? $", … ({Pending.Count - 12} more)" : "");

    public string Refusal() =>
        Summary() + ". The image must take its suite's security fixes when it is built (templates/base carries "
        + "the security and updates archives and takes them with apt-get full-upgrade): rebuild the base (--no-cache) so it takes them, "
        + "or pin the newer version of a package fleet.yaml names.";
}

/// <summary>Where an image's Debian packages come from: its own suite (fleet.yaml base.os.suite) for every package
/// dpkg lists, and packages unpacked from another suite by name (the base's docker-cli, fleet.yaml base.dockerCli),
/// which dpkg does not list and the SBOM cannot name.</summary>
public sealed record DebianOrigin(string Suite, IReadOnlyList<Fleet.DebianPackage> FromOtherSuites)
{
    public static DebianOrigin Of(Fleet.FleetConfig config) => new(config.Base.Os.Suite, [config.Base.DockerCli]);
}

/// <summary>
/// The security-upgrade gate, on the host: the image's Debian packages (as its SBOM lists them) against the
/// newest versions Debian's &lt;suite&gt;-security serves (<see cref="SecurityArchive"/>, fetched once per run),
/// compared by dpkg's ordering; a package from another suite against that suite's security archive. Stricter
/// than `apt-get -s upgrade`, which keeps back an upgrade that needs a new package: the base takes its
/// upgrades with `apt-get full-upgrade`. No container is started.
/// </summary>
public sealed class SecurityUpgradeCheck(SecurityArchive archive)
{
    /// <summary>Starts fetching the indexes <paramref name="origin"/> needs (once per run), so they are there when the check runs.</summary>
    public Task PrepareAsync(DebianOrigin origin, CancellationToken ct) =>
        Task.WhenAll(origin.FromOtherSuites.Select(p => p.Suite).Prepend(origin.Suite).Distinct().Select(s => archive.IndexAsync(s, ct)));

    /// <param name="packages">The image's packages; those of ecosystem "deb" are checked.</param>
    public async Task<SecurityUpgradeReport> CheckAsync(string template, IEnumerable<SbomPackage> packages, DebianOrigin origin, CancellationToken ct)
    {
        var index = await archive.IndexAsync(origin.Suite, ct);
        var pending = Pending(packages.Where(p => p.Ecosystem == "deb").Select(p => (p.Name, p.Version)), index).ToList();
        var others = new List<string>();
        foreach (var other in origin.FromOtherSuites.Where(p => p.Suite != origin.Suite))
        {
            var otherIndex = await archive.IndexAsync(other.Suite, ct);
            others.Add($"{other.Package} from {otherIndex.Suite}-security");
            pending.AddRange(Pending([(other.Package, other.Version)], otherIndex));
        }
        var report = new SecurityUpgradeReport(template, origin.Suite, pending, index.FetchedAt, others);
        Log.Information("{Summary}", report.Summary());
        return report;
    }

    /// <summary>Each installed package for which the security archive serves a newer version.</summary>
    public static IEnumerable<PendingUpgrade> Pending(IEnumerable<(string Name, string Version)> installed, SecurityIndex index) =>
        installed.DistinctBy(p => p.Name)
            .Where(p => index.Newest.TryGetValue(p.Name, out var newest) && DebianVersion.Compare(newest, p.Version) > 0)
            .Select(p => new PendingUpgrade(p.Name, p.Version, index.Newest[p.Name]))
            .OrderBy(p => p.Package, StringComparer.Ordinal);
}
