using TemplateFleet.Fleet;

namespace TemplateFleet.KeepCurrent;

/// <summary>Why a newer version waits, in the order the policy asks.</summary>
public enum HoldKind
{
    PlatformBuild,
    Prerelease,
    Yanked,
    Deprecated,
    BeyondLatest,
    Skipped,
    Major,
    TooYoung,
    NoPublishTime,
}

/// <summary>One reason a version is held back, as Outdated prints it ("too young: 1 day old, the policy waits 3d").</summary>
public sealed record Hold(HoldKind Kind, string Text)
{
    public override string ToString() => Text;
}

/// <summary>
/// One version a source offers: when it was published (null: the source gives no time), whether it is a security
/// fix (Debian's -security archive), and why the source itself rules it out (yanked, deprecated), if it does.
/// </summary>
public sealed record UpstreamRelease(string Version, DateTimeOffset? PublishedAt, bool Security = false, Hold? Refused = null);

public sealed record HeldVersion(UpstreamRelease Release, Hold Hold)
{
    public string Version => Release.Version;
}

/// <summary>
/// What the policy makes of a source's versions: the newest it allows (null: nothing newer is allowed), the newest
/// version seen at all, and every newer version it holds back with the first reason that holds it.
/// </summary>
public sealed record PolicyVerdict(string Current, UpstreamRelease? Allowed, UpstreamRelease? NewestSeen, IReadOnlyList<HeldVersion> Held)
{
    /// <summary>The held versions newer than the allowed one (or than the current), newest first: what still waits.</summary>
    public IEnumerable<HeldVersion> Waiting(VersionScheme scheme) =>
        Allowed is null ? Held : Held.Where(h => scheme.Compare(h.Version, Allowed.Version) > 0);

    /// <summary>"0.172.0: too young (1 day old, waits 3d); 12 platform builds; 2 prereleases": the newest waiting version
    /// with its reason, then the count of the others by reason.</summary>
    public string WhyWaiting(VersionScheme scheme)
    {
        var waiting = Waiting(scheme).ToList();
        if (waiting.Count == 0)
            return "";
        var first = waiting[0];
        var rest = waiting.Skip(1).GroupBy(h => h.Hold.Kind).Select(g => $"{g.Count()} {Plural(g.Key, g.Count())}");
        return string.Join("; ", new[] { $"{first.Version}: {first.Hold.Text}" }.Concat(rest));
    }

    static string Plural(HoldKind kind, int n) =>
        n > 1 && kind is HoldKind.PlatformBuild or HoldKind.Prerelease or HoldKind.Major ? Nouns[(int)kind] + "s" : Nouns[(int)kind];

    // By HoldKind, in its order.
    static readonly string[] Nouns =
        ["platform build", "prerelease", "yanked", "deprecated", "beyond latest", "skipped", "new major", "too young", "without publish time"];
}

/// <summary>
/// Applies an input's <see cref="InputPolicy"/> to the versions its source offers. Deterministic: the clock is a
/// parameter (tests give a fixed one; the build the system clock).
/// </summary>
public static class VersionPolicy
{
    /// <param name="latest">The source's `latest` (npm's dist-tag); versions above it never count. Null: no cap.</param>
    public static PolicyVerdict Evaluate(VersionScheme scheme, string current, IEnumerable<UpstreamRelease> releases, InputPolicy policy, DateTimeOffset now, string? latest = null)
    {
        var newer = releases.Where(r => scheme.IsValid(r.Version) && (!scheme.IsValid(current) || scheme.Compare(r.Version, current) > 0)).ToList();
        newer.Sort((a, b) => scheme.Compare(b.Version, a.Version));
        var cap = latest is not null && scheme.IsValid(latest) ? latest : null;
        var judged = newer.Select(r => (Release: r, Hold: HoldOf(scheme, current, r, policy, now, cap))).ToList();
        return new PolicyVerdict(current, judged.FirstOrDefault(j => j.Hold is null).Release, newer.FirstOrDefault(),
            [.. judged.Where(j => j.Hold is not null).Select(j => new HeldVersion(j.Release, j.Hold!))]);
    }

    /// <summary>The first reason the policy holds <paramref name="release"/> back, or null when it may be taken.</summary>
    public static Hold? HoldOf(VersionScheme scheme, string current, UpstreamRelease release, InputPolicy policy, DateTimeOffset now, string? latest)
    {
        var version = release.Version;
        // What the version is (a prerelease) or what its source says of it (yanked, deprecated) comes first.
        if ((scheme.Intrinsic(version) ?? release.Refused) is { } hold)
            return hold;
        if (latest is not null && scheme.Compare(version, latest) > 0)
            return new Hold(HoldKind.BeyondLatest, $"newer than latest ({latest})");
        if (policy.Skipped(version) is { } skip)
            return new Hold(HoldKind.Skipped, $"skipped: {skip.Reason}");
        if (!policy.AllowMajor && scheme.IsValid(current) && scheme.Major(version) is { } major && scheme.Major(current) is { } was && major != was)
            return new Hold(HoldKind.Major, $"new major ({was} → {major}; allowMajor is off)");
        var wait = release.Security ? policy.SecurityMinimumReleaseAge : policy.MinimumReleaseAge;
        if (wait <= TimeSpan.Zero)
            return null;
        if (release.PublishedAt is not { } at)
            return new Hold(HoldKind.NoPublishTime, $"no publish time: counted as too young (waits {InputPolicyReader.Format(wait)})");
        var age = now - at;
        return age < wait ? new Hold(HoldKind.TooYoung, $"too young: {Age(age)} old, waits {InputPolicyReader.Format(wait)}") : null;
    }

    /// <summary>An age for people: "2 days", "5 hours", "40 minutes".</summary>
    public static string Age(TimeSpan age) =>
        age < TimeSpan.Zero ? "published in the future"
        : age.TotalDays >= 1 ? Count((int)age.TotalDays, "day")
        : age.TotalHours >= 1 ? Count((int)age.TotalHours, "hour")
        : Count((int)Math.Max(0, age.TotalMinutes), "minute");

    static string Count(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
