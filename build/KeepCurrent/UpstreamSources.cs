using TemplateFleet.Tools;

namespace TemplateFleet.KeepCurrent;

/// <summary>What one source says about one input: its versions, and its `latest` where it has one (npm).</summary>
public sealed record SourceReading(IReadOnlyList<UpstreamRelease> Releases, string? Latest = null);

/// <summary>Reads each kind of source through its own client: npm, the package index, the Debian archive.</summary>
public interface IUpstreamSources
{
    Task<SourceReading> ReadAsync(UpstreamInput input, CancellationToken ct);

    /// <summary>Why the source itself refuses one version (npm: its deprecation), or null.</summary>
    Task<Hold?> RefusalAsync(UpstreamInput input, string version, CancellationToken ct);
}

/// <param name="index">The package index; null when none was given (its inputs then fail with a line saying so).</param>
public sealed class UpstreamSources(NpmRegistry npm, PackageIndexReleases? index, DebianArchive debian) : IUpstreamSources
{
    public async Task<SourceReading> ReadAsync(UpstreamInput input, CancellationToken ct)
    {
        if (input.Source == InputSource.Npm)
            return await npm.ViewAsync(input.Package, ct);
        if (input.Source == InputSource.PackageIndex)
            return new SourceReading(await (index ?? throw new KeepCurrentException($"{input.Name} comes from the package index: pass --package-index (its simple URL).")).ReadAsync(input.Package, ct));
        // A Debian package: every version its suite's pockets serve; the security archive: its pocket's Release date.
        var debianPackage = input.Source == InputSource.Debian ? input.Package : null;
        var (dates, served) = await debian.ServedAsync($"{input.Name} ({input.Describe})", input.Suite!, debianPackage, ct);
        if (debianPackage is not null)
            return new SourceReading(served.Select(s => new UpstreamRelease(s.Version, s.PocketDate, Security: s.Pocket.EndsWith("-security", StringComparison.Ordinal))).ToList());
        var pocket = $"{input.Suite}-security";
        return dates.TryGetValue(pocket, out var date)
            ? new SourceReading([new UpstreamRelease(date.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), date, Security: true)])
            : throw new KeepCurrentException($"{input.Name}: the private apt configuration read no Release file of {pocket}; the host's /etc/apt/sources.list.d/*.sources must list its own -security suite to derive it from.");
    }

    public async Task<Hold?> RefusalAsync(UpstreamInput input, string version, CancellationToken ct) =>
        input.Source == InputSource.Npm && await npm.DeprecatedAsync(input.Package, version, ct) is { } message ? NpmRegistry.Deprecation(message) : null;
}
