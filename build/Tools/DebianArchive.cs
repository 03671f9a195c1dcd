using Serilog;
using TemplateFleet.Files;

namespace TemplateFleet.Tools;

/// <summary>One version a Debian suite serves: the pocket it is in (trixie, trixie-security) and that pocket's Release date.</summary>
public sealed record ServedVersion(string Version, string Pocket, DateTimeOffset? PocketDate);

/// <summary>
/// Debian packages of any suite, through a private apt configuration per suite under
/// <paramref name="stateDirectory"/> (its own list, package indices and cache): `apt-get download` and
/// `dpkg-deb -x` only, so nothing is ever installed into the host and the host's apt state is never touched.
/// The list is derived from the host's own sources (<see cref="AptSources"/>) and /etc/os-release.
/// </summary>
public sealed class DebianArchive(string stateDirectory)
{
    private static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Unpacks the pinned package into <paramref name="directory"/>; returns the version the .deb declares.</summary>
    public async Task<string> UnpackAsync(ToolPin pin, ToolSource source, string directory, string where, CancellationToken ct)
    {
        var suiteDirectory = Path.Combine(stateDirectory, source.Suite);
        using var suiteLock = await FileLock.AcquireAsync(suiteDirectory + ".lock", $"using the private apt state for {source.Suite}", TimeSpan.FromMinutes(15), ct);
        var options = await ConfigureAsync(pin.ToString(), source.Suite, suiteDirectory, where, ct);

        var download = Directory.CreateDirectory(Path.Combine(suiteDirectory, "download-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var wanted = $"{source.Package}={source.Version}";
            var updated = !Directory.EnumerateFiles(Path.Combine(suiteDirectory, "lists"), "*Packages*").Any();
            if (updated)
                await UpdateAsync(pin.ToString(), source.Suite, options, where, ct);
            var fetched = await AptAsync(["download", wanted], options, download, DownloadTimeout, ct);
            if (!fetched.Succeeded && !updated && fetched.ExitCode != 124)
            {
                // The indices may predate the pinned version (a point release since the last update).
                await UpdateAsync(pin.ToString(), source.Suite, options, where, ct);
                fetched = await AptAsync(["download", wanted], options, download, DownloadTimeout, ct);
            }
            if (!fetched.Succeeded)
            {
                var versions = Madison(await AptCacheAsync(["madison", source.Package], options, ct), source.Suite).Select(v => v.Version).Distinct().ToList();
                throw new ToolException(versions.Count > 0
                    ? $"{pin}: Debian's {source.Suite} does not serve {wanted}; it serves {string.Join(", ", versions)}. Pin one of them as debian.version in {where}."
                    : $"{pin}: apt-get download {wanted} from Debian's {source.Suite} failed (exit {fetched.ExitCode}):\n{fetched.Tail()}\nCheck that the host reaches its Debian archive, and the package name in {where}.");
            }

            var deb = Directory.GetFiles(download, "*.deb").Single();
            var declared = await ToolProcess.RunAsync("dpkg-deb", ["--field", deb, "Version"], null, TimeSpan.FromMinutes(1), ct);
            var unpacked = declared.Succeeded
                ? await ToolProcess.RunAsync("dpkg-deb", ["-x", deb, directory], null, TimeSpan.FromMinutes(5), ct)
                : declared;
            if (!unpacked.Succeeded)
                throw new ToolException($"{pin}: dpkg-deb could not unpack {Path.GetFileName(deb)} (exit {unpacked.ExitCode}):\n{unpacked.Tail()}");
            return declared.Output.Trim();
        }
        finally
        {
            Directory.Delete(download, recursive: true);
        }
    }

    /// <summary>
    /// The date of each pocket's signed Release file of <paramref name="suite"/> (-updates, -security, as the host lists
    /// its own), read afresh, by pocket (the newest change of that pocket: a version is at least that old), and with a
    /// <paramref name="package"/> every version of it they serve, each with its pocket and that pocket's date.
    /// <paramref name="what"/> names the reader in messages.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, DateTimeOffset> Dates, IReadOnlyList<ServedVersion> Served)> ServedAsync(string what, string suite, string? package, CancellationToken ct)
    {
        var suiteDirectory = Path.Combine(stateDirectory, suite);
        using var suiteLock = await FileLock.AcquireAsync(suiteDirectory + ".lock", $"using the private apt state for {suite}", TimeSpan.FromMinutes(15), ct);
        var options = await ConfigureAsync(what, suite, suiteDirectory, what, ct);
        await UpdateAsync(what, suite, options, what, ct);
        var dates = ReleaseDates(Path.Combine(suiteDirectory, "lists"));
        if (package is null)
            return (dates, []);
        var madison = await AptCacheAsync(["madison", package], options, ct);
        if (!madison.Succeeded)
        {
            throw new ToolException($"{what}: apt-cache madison {package} (Debian's {suite}, private configuration) failed (exit {madison.ExitCode}):\n{madison.Tail()}");
        }
        return (dates, Madison(madison, suite).Select(v => new ServedVersion(v.Version, v.Pocket, dates.GetValueOrDefault(v.Pocket))).ToList());
    }

    /// <summary>The versions apt-cache madison lists, each with its pocket (the suite's own when the line names none):
    /// "docker-cli | 26.1.5+dfsg1-9+deb13u1 | http://&lt;archive&gt;/debian-security trixie-security/main amd64 Packages".</summary>
    private static IEnumerable<(string Version, string Pocket)> Madison(ProcessResult madison, string suite) =>
        madison.Output.Split('\n').Select(l => l.Split('|', StringSplitOptions.TrimEntries)).Where(p => p.Length >= 3)
            .Select(p => (p[1], p[2].Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 2 } words ? words[1].Split('/')[0] : suite));

    /// <summary>The Date of each pocket's Release file in a lists folder, by suite (Release files name their Suite or Codename).</summary>
    private static Dictionary<string, DateTimeOffset> ReleaseDates(string lists)
    {
        var dates = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(lists, "*Release"))
        {
            // The first of each field: the Release paragraph's (the checksum lines below it are indented, no "key: ").
            var fields = File.ReadLines(file).Select(l => l.Split(": ", 2)).Where(p => p.Length == 2).DistinctBy(p => p[0]).ToDictionary(p => p[0], p => p[1].Trim());
            // Codename is what sources name (trixie-security); Suite may be an alias (stable-security).
            if ((fields.GetValueOrDefault("Codename") ?? fields.GetValueOrDefault("Suite")) is { } name && fields.TryGetValue("Date", out var date)
                && DateTimeOffset.TryParse(date.Replace(" UTC", " +00:00", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            {
                dates[name] = at;
            }
        }
        return dates;
    }

    // The suite's private list, indices and cache; rewritten when the host's sources changed.
    private async Task<string[]> ConfigureAsync(string what, string suite, string suiteDirectory, string where, CancellationToken ct)
    {
        var osRelease = File.Exists("/etc/os-release") ? File.ReadAllText("/etc/os-release") : "";
        var codename = AptSources.Codename(osRelease) ?? throw new ToolException(
            $"{what} comes from Debian's {suite} ({where}), found through the host's Debian archive, but /etc/os-release names no VERSION_CODENAME; run the build on a Debian host.");
        var stanzas = AptSources.ReadHost();
        var list = AptSources.PrivateList(stanzas, codename, suite) ?? throw new ToolException(
            $"{what} comes from Debian's {suite} ({where}) at the URIs of the host's own archive, but no `Types: deb` stanza of {AptSources.HostSourcesDirectory}/*.sources lists '{codename}' " +
            $"({(stanzas.Count == 0 ? "there are none" : $"{stanzas.Count} stanza(s), other suites")}); add the host's Debian archive there (deb822 format).");
        return await PrivateOptionsAsync(suiteDirectory, suite + ".sources", list, dropIndexes: true, ct);
    }

    /// <summary>The apt-get options of a private configuration in <paramref name="folder"/> (its own list, indices and
    /// cache), its list file <paramref name="listName"/> rewritten when <paramref name="list"/> differs, and then, with
    /// <paramref name="dropIndexes"/>, the indices of the old list deleted.</summary>
    internal static async Task<string[]> PrivateOptionsAsync(string folder, string listName, string list, bool dropIndexes, CancellationToken ct)
    {
        var listFile = Path.Combine(folder, listName);
        foreach (var sub in new[] { "lists/partial", "cache/archives/partial" })
            Directory.CreateDirectory(Path.Combine(folder, sub));
        if (!File.Exists(listFile) || await File.ReadAllTextAsync(listFile, ct) != list)
        {
            await File.WriteAllTextAsync(listFile, list, ct);
            foreach (var index in dropIndexes ? Directory.GetFiles(Path.Combine(folder, "lists"), "*Packages*") : [])
                File.Delete(index);
        }
        string[] options =
        [
            "-o", $"Dir::Etc::SourceList={listFile}",
            "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", $"Dir::State::Lists={Path.Combine(folder, "lists")}",
            "-o", $"Dir::Cache={Path.Combine(folder, "cache")}",
            // The host's apt preferences (pins) speak of the host's suites, not this one.
            "-o", "Dir::Etc::Preferences=/dev/null",
            "-o", "Dir::Etc::PreferencesParts=/dev/null",
            "-o", "Acquire::Languages=none",
        ];
        // As root apt drops to _apt for downloads, which may not write into our folders.
        return Environment.IsPrivilegedProcess ? [.. options, "-o", "APT::Sandbox::User=root"] : options;
    }

    private static async Task UpdateAsync(string what, string suite, string[] options, string where, CancellationToken ct)
    {
        Log.Information("Reading Debian {Suite}'s package lists (private apt configuration) for {Tool}", suite, what);
        var update = await AptAsync(["update"], options, null, UpdateTimeout, ct);
        // apt-get update exits 0 even when an index could not be fetched: its "W:"/"E:" lines say so.
        if (!update.Succeeded || update.Output.Split('\n').Any(l => l.StartsWith("E:", StringComparison.Ordinal)))
        {
            throw new ToolException(update.ExitCode == 127
                ? $"{what} comes from Debian's {suite} ({where}) through apt-get, and this host has no apt-get; run the build on a Debian host."
                : $"{what}: apt-get update of Debian's {suite} (private configuration) failed (exit {update.ExitCode}):\n{update.Tail()}\nCheck that the host reaches the archive its /etc/apt/sources.list.d/*.sources name.");
        }
    }

    private static Task<ProcessResult> AptAsync(string[] command, string[] options, string? workingDirectory, TimeSpan timeout, CancellationToken ct) =>
        ToolProcess.RunAsync("apt-get", [.. options, "-q", .. command], workingDirectory, timeout, ct);

    private static Task<ProcessResult> AptCacheAsync(string[] command, string[] options, CancellationToken ct) =>
        ToolProcess.RunAsync("apt-cache", [.. options, .. command], null, TimeSpan.FromMinutes(1), ct);
}
