using System.Collections.Concurrent;
using Serilog;
using TemplateFleet.Files;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>The newest version of each binary package Debian's &lt;suite&gt;-security archive serves, read when the index was fetched.</summary>
public sealed record SecurityIndex(string Suite, IReadOnlyDictionary<string, string> Newest, DateTimeOffset FetchedAt);

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
/// Debian's security archive on the host, through the build's private apt configuration (the host's own
/// archive URIs, never a host name in the repository, nothing installed, the host's apt state untouched): one
/// `apt-get update` of &lt;suite&gt;-security per suite and run, under the per-user cache (apt only fetches what
/// changed since the last run), then its Packages index is read. One instance per run.
/// The security-upgrade gate against it, on the host: the image's Debian packages (as its SBOM lists them) against the
/// newest versions its &lt;suite&gt;-security serves, compared by dpkg's ordering; a package from another suite against
/// that suite's security archive. Stricter than `apt-get -s upgrade`, which keeps back an upgrade that needs a new
/// package: the base takes its upgrades with `apt-get full-upgrade`. No container is started.
/// </summary>
public sealed class SecurityArchive(string stateDirectory, Func<IReadOnlyList<AptSourceStanza>> hostSources, Func<string?> hostCodename)
{
    readonly ConcurrentDictionary<string, Lazy<Task<SecurityIndex>>> indexes = new(StringComparer.Ordinal);

    public static SecurityArchive ForHost(string stateDirectory) => new(
        stateDirectory,
        () => AptSources.ReadHost(),
        () => File.Exists("/etc/os-release") ? AptSources.Codename(File.ReadAllText("/etc/os-release")) : null);

    /// <summary>The index of <paramref name="suite"/>-security, fetched on the first call of this run.</summary>
    public Task<SecurityIndex> IndexAsync(string suite, CancellationToken ct) =>
        indexes.GetOrAdd(suite, s => new Lazy<Task<SecurityIndex>>(() => FetchAsync(s, ct))).Value;

    /// <summary>Starts fetching the indexes <paramref name="origin"/> needs (once per run), so they are there when the check runs.</summary>
    public Task PrepareAsync(DebianOrigin origin, CancellationToken ct) =>
        Task.WhenAll(origin.FromOtherSuites.Select(p => p.Suite).Prepend(origin.Suite).Distinct().Select(s => IndexAsync(s, ct)));

    /// <param name="packages">The image's packages; those of ecosystem "deb" are checked.</param>
    public async Task<SecurityUpgradeReport> CheckAsync(string template, IEnumerable<SbomPackage> packages, DebianOrigin origin, CancellationToken ct)
    {
        var index = await IndexAsync(origin.Suite, ct);
        var pending = Pending(packages.Where(p => p.Ecosystem == "deb").Select(p => (p.Name, p.Version)), index).ToList();
        var others = new List<string>();
        foreach (var other in origin.FromOtherSuites.Where(p => p.Suite != origin.Suite))
        {
            var otherIndex = await IndexAsync(other.Suite, ct);
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

    async Task<SecurityIndex> FetchAsync(string suite, CancellationToken ct)
    {
        var codename = hostCodename() ?? throw new SupplyChainException(
            $"the security check reads Debian's {suite}-security through the host's own archive, but /etc/os-release names no VERSION_CODENAME; run the build on a Debian host.");
        var list = ListFor(hostSources(), codename, suite) ?? throw new SupplyChainException(
            $"the security check needs Debian's {suite}-security, found at the URIs of the host's own archive, but no `Types: deb` stanza of "
            + $"{AptSources.HostSourcesDirectory}/*.sources lists {codename}-security or a {codename} archive ending in /debian; add the host's Debian archive there (deb822 format).");
        var folder = Path.Combine(stateDirectory, suite + "-security");
        using var _ = await FileLock.AcquireAsync(folder + ".lock", $"fetching Debian's {suite}-security index", CacheHome.LockTimeout, ct);
        var options = await DebianArchive.PrivateOptionsAsync(folder, "security.sources", list, dropIndexes: false, ct);
        var update = await ToolProcess.RunAsync("apt-get", [.. options, "-q", "update"], null, TimeSpan.FromMinutes(5), ct);
        // apt-get update exits 0 even when an index could not be fetched: its "E:"/"W:" lines say so.
        if (!update.Succeeded || update.Output.Split('\n').Any(l => l.StartsWith("E:", StringComparison.Ordinal) || l.StartsWith("W: Failed", StringComparison.Ordinal)))
            throw new SupplyChainException($"the security check could not fetch Debian's {suite}-security (apt-get update, private configuration, exit {update.ExitCode}):\n{update.Tail(4)}\n"
                + $"Check that the host reaches the archive its {AptSources.HostSourcesDirectory}/*.sources name.");
        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(folder, "lists"), $"*_dists_{suite}-security_*_Packages*");
        if (files.Length == 0)
            throw new SupplyChainException($"apt fetched no Packages index of Debian's {suite}-security into {folder}/lists; the security check has nothing to compare with.");
        foreach (var file in files)
        {
            // apt may keep its indexes compressed (Acquire::GzipIndexes, as Debian's images and these hosts set it): its
            // own helper reads every form it writes.
            var text = await ToolProcess.RunAsync("/usr/lib/apt/apt-helper", ["cat-file", file], null, TimeSpan.FromMinutes(2), ct);
            if (!text.Succeeded)
                throw new SupplyChainException($"apt-helper could not read {file} (exit {text.ExitCode}):\n{text.Tail(3)}");
            Read(text.Output, newest);
        }
        Log.Information("Security check: Debian's {Suite}-security lists {Count} packages (fetched once for this run)", suite, newest.Count);
        return new SecurityIndex(suite, newest, DateTimeOffset.UtcNow);
    }

    /// <summary>A deb822 list of &lt;suite&gt;-security at the host's security URIs (or its archive's, /debian → /debian-security).</summary>
    internal static string? ListFor(IReadOnlyList<AptSourceStanza> host, string codename, string suite)
    {
        var security = host.Where(s => s.Types.Contains("deb") && s.Suites.Contains(codename + "-security"))
            .Select(s => s with { Suites = [codename + "-security"] }).ToList();
        if (security.Count == 0)
        {
            security = host.Where(s => s.Types.Contains("deb") && s.Suites.Contains(codename))
                .Select(s => s with { Uris = s.Uris.Select(DeriveSecurityUri).OfType<string>().ToList(), Suites = [codename + "-security"] })
                .Where(s => s.Uris.Count > 0).ToList();
        }
        return AptSources.PrivateList(security, codename, suite);
    }

    /// <summary>"http://mirror/debian" → "http://mirror/debian-security"; also snapshot layouts ("…/archive/debian/20250520T000000Z").</summary>
    internal static string? DeriveSecurityUri(string uri)
    {
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            return null;
        var segments = parsed.AbsolutePath.Split('/');
        var index = Array.LastIndexOf(segments, "debian");
        if (index < 0)
            return null;
        segments[index] = "debian-security";
        var builder = new UriBuilder(parsed) { Path = string.Join('/', segments) };
        return builder.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.UriEscaped).TrimEnd('/');
    }

    /// <summary>Adds each stanza's Package and Version of a Packages index, keeping the newest version by dpkg's ordering.</summary>
    internal static void Read(string packagesIndex, Dictionary<string, string> newest)
    {
        foreach (var stanza in packagesIndex.ReplaceLineEndings("\n").Split("\n\n"))
        {
            var fields = stanza.Split('\n').Select(l => l.Split(": ", 2)).Where(f => f.Length == 2).ToLookup(f => f[0], f => f[1].Trim(), StringComparer.Ordinal);
            if (fields["Package"].FirstOrDefault() is { } package && fields["Version"].FirstOrDefault() is { } version
                && (!newest.TryGetValue(package, out var known) || DebianVersion.Compare(version, known) > 0))
                newest[package] = version;
        }
    }
}
