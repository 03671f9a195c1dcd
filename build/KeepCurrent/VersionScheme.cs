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
public abstract partial class VersionScheme
{
    public static readonly VersionScheme Npm = new NpmScheme();
    public static readonly VersionScheme Pep440 = new Pep440Scheme();
    public static readonly VersionScheme Debian = new DebianScheme();
    public static readonly VersionScheme Date = new DateScheme();

    public abstract bool IsValid(string version);

    /// <summary>Orders two valid versions.</summary>
    public abstract int Compare(string a, string b);

    /// <summary>The major a version belongs to ("24" of 24.21.0); null where the scheme has none.</summary>
    public abstract string? Major(string version);

    /// <summary>Why this version never counts whatever the policy says, or null.</summary>
    public virtual Hold? Intrinsic(string version) => null;

    sealed class NpmScheme : VersionScheme
    {
        static SemanticVersion? Parse(string v) => SemanticVersion.TryParse(v, out var s) ? s : null;

        public override bool IsValid(string version) => Parse(version) is not null;

        // Precedence: build metadata does not count (SemVer 2.0 section 11).
        public override int Compare(string a, string b) => VersionComparer.Default.Compare(Parse(a)!, Parse(b)!);

        public override string? Major(string version) => Parse(version)?.Major.ToString(CultureInfo.InvariantCulture);

        public override Hold? Intrinsic(string version)
        {
            var parsed = Parse(version)!;
            if (!parsed.IsPrerelease)
                return null;
            // A platform build (0.171.0-linux-x64) reads as a SemVer prerelease but is the same release for one platform.
            return PlatformBuild().IsMatch(parsed.Release)
                ? new Hold(HoldKind.PlatformBuild, "platform build")
                : new Hold(HoldKind.Prerelease, "prerelease");
        }
    }

    sealed class Pep440Scheme : VersionScheme
    {
        public override bool IsValid(string version) => Pep440Version.TryParse(version, out _);

        public override int Compare(string a, string b) => Pep440Version.Parse(a).CompareTo(Pep440Version.Parse(b));

        public override string? Major(string version) =>
            Pep440Version.TryParse(version, out var v) ? v.Release[0].ToString(CultureInfo.InvariantCulture) : null;

        public override Hold? Intrinsic(string version) =>
            Pep440Version.Parse(version).IsPreRelease ? new Hold(HoldKind.Prerelease, "prerelease") : null;
    }

    sealed class DebianScheme : VersionScheme
    {
        public override bool IsValid(string version) => Tools.DebianVersion.IsValid(version);

        public override int Compare(string a, string b) => Tools.DebianVersion.Compare(a, b);

        /// <summary>The upstream version's first number, after any epoch (26 of 26.1.5+dfsg1-9).</summary>
        public override string? Major(string version)
        {
            var m = LeadingNumber().Match(Tools.DebianVersion.Upstream(version));
            return m.Success ? $"{Epoch(version)}{m.Value}" : null;
        }

        static string Epoch(string version) => version.IndexOf(':') is var i and > 0 ? version[..(i + 1)] : "";
    }

    sealed class DateScheme : VersionScheme
    {
        public override bool IsValid(string version) => ParseDate(version) is not null;

        public override int Compare(string a, string b) => ParseDate(a)!.Value.CompareTo(ParseDate(b)!.Value);

        public override string? Major(string version) => null;
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
