using System.Globalization;
using System.Text.RegularExpressions;
using NuGet.Versioning;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.KeepCurrent;

/// <summary>
/// How one source spells and orders its versions: npm's SemVer (the Semver library), PEP 440 for the package index,
/// Debian's deb-version(7), and the security archive's Release date. Each says what never counts on its own
/// (a prerelease, an npm platform build) and what a major is. SemVer 2.0 through NuGet.Versioning's strict parser.
/// </summary>
/// <param name="Compare">Orders two valid versions.</param>
/// <param name="Major">The major a version belongs to ("24" of 24.21.0); null where the scheme has none.</param>
/// <param name="Intrinsic">Why this version never counts whatever the policy says, or null.</param>
public sealed partial record VersionScheme(Func<string, bool> IsValid, Comparison<string> Compare, Func<string, string?> Major, Func<string, Hold?> Intrinsic)
{
    // Precedence: build metadata does not count (SemVer 2.0 section 11).
    public static readonly VersionScheme Npm = new(v => Semver(v) is not null, (a, b) => VersionComparer.Default.Compare(Semver(a)!, Semver(b)!),
        v => Semver(v)?.Major.ToString(CultureInfo.InvariantCulture), NpmIntrinsic);

    public static readonly VersionScheme Pep440 = new(v => Pep440Version.TryParse(v, out _), (a, b) => Pep440Version.Parse(a).CompareTo(Pep440Version.Parse(b)),
        v => Pep440Version.TryParse(v, out var p) ? p.Release[0].ToString(CultureInfo.InvariantCulture) : null,
        v => Pep440Version.Parse(v).IsPreRelease ? new Hold(HoldKind.Prerelease, "prerelease") : null);

    public static readonly VersionScheme Debian = new(Tools.DebianVersion.IsValid, Tools.DebianVersion.Compare, DebianMajor, _ => null);

    public static readonly VersionScheme Date = new(v => ParseDate(v) is not null, (a, b) => ParseDate(a)!.Value.CompareTo(ParseDate(b)!.Value), _ => null, _ => null);

    static SemanticVersion? Semver(string v) => SemanticVersion.TryParse(v, out var s) ? s : null;

    static Hold? NpmIntrinsic(string version) => Semver(version)! switch
    {
        { IsPrerelease: false } => null,
        // A platform build (0.171.0-linux-x64) reads as a SemVer prerelease but is the same release for one platform.
        var parsed when PlatformBuild().IsMatch(parsed.Release) => new Hold(HoldKind.PlatformBuild, "platform build"),
        _ => new Hold(HoldKind.Prerelease, "prerelease"),
    };

    /// <summary>The upstream version's first number, after any epoch (26 of 26.1.5+dfsg1-9).</summary>
    static string? DebianMajor(string version)
    {
        var m = LeadingNumber().Match(Tools.DebianVersion.Upstream(version));
        return m.Success ? $"{(version.IndexOf(':') is var i and > 0 ? version[..(i + 1)] : "")}{m.Value}" : null;
    }

    public static DateTimeOffset? ParseDate(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    // os-cpu as npm's platform packages spell them (process.platform, process.arch), optionally with a libc suffix, at the
    // end of the prerelease: 0.171.0-linux-x64, and a prerelease's own platform builds (0.162.0-alpha.15-linux-x64).
    [GeneratedRegex(@"(\A|[.-])(linux|darwin|win32|freebsd|openbsd|netbsd|sunos|aix|android)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el)(-(musl|gnu|msvc))?\z")]
    private static partial Regex PlatformBuild();

    [GeneratedRegex(@"\A[0-9]+")]
    private static partial Regex LeadingNumber();
}
