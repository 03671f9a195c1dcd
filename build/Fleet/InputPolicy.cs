using System.Globalization;
using System.Text.RegularExpressions;

namespace TemplateFleet.Fleet;

/// <summary>A version an input's policy never takes, and why (a person's words, shown by Outdated and in messages).</summary>
public sealed record SkippedVersion(string Version, string Reason);

/// <summary>
/// How one upstream input moves (README "Keeping the fleet current"): which of its new versions a bump may take.
/// Stable releases up to the source's `latest` only (no prerelease, platform build, deprecated or yanked version);
/// a new major only when <see cref="AllowMajor"/>; a version must have been published at least
/// <see cref="MinimumReleaseAge"/> ago (a security fix: <see cref="SecurityMinimumReleaseAge"/>); <see cref="Skip"/>
/// holds versions back with a reason; <see cref="Watch"/> false keeps the input out of the watch (Outdated still lists it).
/// </summary>
public sealed record InputPolicy(TimeSpan MinimumReleaseAge, TimeSpan SecurityMinimumReleaseAge, bool AllowMajor, bool Watch, IReadOnlyList<SkippedVersion> Skip)
{
    /// <summary>When fleet.yaml says nothing: 3 days for a release, no wait for a security fix, majors stay, watched.</summary>
    public static readonly InputPolicy Default = new(TimeSpan.FromDays(3), TimeSpan.Zero, AllowMajor: false, Watch: true, Skip: []);

    public SkippedVersion? Skipped(string version) => Skip.FirstOrDefault(s => s.Version == version);

    public bool Equals(InputPolicy? other) =>
        other is not null && MinimumReleaseAge == other.MinimumReleaseAge && SecurityMinimumReleaseAge == other.SecurityMinimumReleaseAge
        && AllowMajor == other.AllowMajor && Watch == other.Watch && Skip.SequenceEqual(other.Skip);

    public override int GetHashCode() => HashCode.Combine(MinimumReleaseAge, SecurityMinimumReleaseAge, AllowMajor, Watch, Skip.Count);
}

/// <summary>Reads a `policy:` mapping (template.yaml agent.policy, fleet.yaml inputs.*) over the defaults it refines.</summary>
internal static partial class InputPolicyReader
{
    public static readonly string[] Keys = ["minimumReleaseAge", "securityMinimumReleaseAge", "allowMajor", "watch", "skip"];

    public static InputPolicy Read(YamlObject? section, InputPolicy defaults)
    {
        if (section is null)
            return defaults;
        var skips = new List<SkippedVersion>();
        foreach (var item in section.Objects("skip", "version", "reason"))
        {
            var version = item.String("version", required: true);
            var reason = item.String("reason", required: true);
            if (version is null || reason is null)
                continue;
            if (skips.Any(s => s.Version == version))
                section.Errors.Add(item.Start, $"'{section.Child("skip")}' names {version} twice; keep one entry with one reason");
            else
                skips.Add(new SkippedVersion(version, reason.Trim()));
        }
        return new InputPolicy(
            Age(section, "minimumReleaseAge") ?? defaults.MinimumReleaseAge,
            Age(section, "securityMinimumReleaseAge") ?? defaults.SecurityMinimumReleaseAge,
            section.Bool("allowMajor", required: false) ?? defaults.AllowMajor,
            section.Bool("watch", required: false) ?? defaults.Watch,
            [.. defaults.Skip, .. skips]);
    }

    static TimeSpan? Age(YamlObject section, string key) => section.Scalar(key, required: false) switch
    {
        null => null,
        var scalar => TryParseAge(scalar.Value)
            ?? section.Fail<TimeSpan?>(scalar, $"'{section.Child(key)}' must be an age such as 3d, 12h, 30m or 0, got '{Printable.Of(scalar.Value)}'"),
    };

    /// <summary>"3d", "12h", "30m", "0": days, hours, minutes.</summary>
    public static TimeSpan? TryParseAge(string text)
    {
        if (text == "0")
            return TimeSpan.Zero;
        var m = AgeShape().Match(text);
        if (!m.Success || !int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return null;
        return m.Groups["unit"].Value switch
        {
            "d" => TimeSpan.FromDays(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromMinutes(n),
        };
    }

    /// <summary>An age as the policy writes it, for messages: 3d, 12h, 30m, 0.</summary>
    public static string Format(TimeSpan age) =>
        age == TimeSpan.Zero ? "0"
        : age.TotalDays == Math.Floor(age.TotalDays) ? $"{age.TotalDays:0}d"
        : age.TotalHours == Math.Floor(age.TotalHours) ? $"{age.TotalHours:0}h"
        : $"{Math.Ceiling(age.TotalMinutes):0}m";

    [GeneratedRegex(@"\A(?<n>[0-9]{1,5})(?<unit>[dhm])\z")]
    private static partial Regex AgeShape();
}
