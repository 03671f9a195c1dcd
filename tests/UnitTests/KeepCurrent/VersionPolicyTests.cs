using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;

namespace UnitTests.KeepCurrent;

/// <summary>The policy on fixed versions and a fixed clock: every case a source offers, each with its reason.</summary>
public sealed class VersionPolicyTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    static UpstreamRelease At(string version, double daysAgo) => new(version, Now.AddDays(-daysAgo));

    static PolicyVerdict Npm(string current, IEnumerable<UpstreamRelease> releases, InputPolicy? policy = null, string? latest = null) =>
        VersionPolicy.Evaluate(VersionScheme.Npm, current, releases, policy ?? InputPolicy.Default, Now, latest);

    [Fact]
    public void The_newest_stable_release_old_enough_is_allowed_and_platform_builds_and_prereleases_never_count()
    {
        var verdict = Npm("0.130.0", [At("0.130.0", 40), At("0.171.0", 16), At("0.171.0-linux-x64", 16), At("0.171.0-darwin-arm64", 16), At("0.172.0-alpha.3", 5)], latest: "0.171.0");

        Assert.Equal("0.171.0", verdict.Allowed!.Version);
        Assert.Equal("0.172.0-alpha.3", verdict.NewestSeen!.Version);
        Assert.Equal([("0.172.0-alpha.3", HoldKind.Prerelease), ("0.171.0-linux-x64", HoldKind.PlatformBuild), ("0.171.0-darwin-arm64", HoldKind.PlatformBuild)],
            verdict.Held.Select(h => (h.Version, h.Hold.Kind)));
        Assert.Equal("0.172.0-alpha.3: prerelease", verdict.WhyWaiting(VersionScheme.Npm)); // the platform builds are older than 0.171.0
    }

    [Fact]
    public void A_new_major_stays_put_unless_the_policy_allows_it()
    {
        IReadOnlyList<UpstreamRelease> node = [At("24.21.0", 60), At("24.22.3", 45), At("26.12.1", 45)];

        var kept = Npm("24.21.0", node, latest: "26.12.1");
        Assert.Equal("24.22.3", kept.Allowed!.Version);
        Assert.Equal("26.12.1: new major (24 → 26; allowMajor is off)", kept.WhyWaiting(VersionScheme.Npm));

        var allowed = Npm("24.21.0", node, InputPolicy.Default with { AllowMajor = true }, latest: "26.12.1");
        Assert.Equal("26.12.1", allowed.Allowed!.Version);
    }

    [Fact]
    public void Too_young_and_without_a_publish_time_wait_and_say_so()
    {
        var verdict = Npm("2.1.330", [At("2.1.331", 5), At("2.1.332", 1), new UpstreamRelease("2.1.333", null)], latest: "2.1.333");

        Assert.Equal("2.1.331", verdict.Allowed!.Version);
        Assert.Equal("no publish time: counted as too young (waits 3d)", verdict.Held[0].Hold.Text);
        Assert.Equal("too young: 1 day old, waits 3d", verdict.Held[1].Hold.Text);
        Assert.Equal("2.1.333: no publish time: counted as too young (waits 3d); 1 too young", verdict.WhyWaiting(VersionScheme.Npm));
        Assert.Equal("2.1.333", Npm("2.1.330", [new UpstreamRelease("2.1.333", null)], InputPolicy.Default with { MinimumReleaseAge = TimeSpan.Zero }).Allowed!.Version);
    }

    [Fact]
    public void Skipped_deprecated_yanked_and_versions_beyond_latest_are_held_with_their_reasons()
    {
        var policy = InputPolicy.Default with { Skip = [new SkippedVersion("1.4.0", "breaks --version (issue 42)")] };
        var verdict = Npm("1.0.0", [At("1.2.0", 30), At("1.3.0", 20) with { Refused = NpmRegistry.Deprecation("use 1.4") }, At("1.4.0", 10), At("1.5.0", 10)], policy, latest: "1.4.0");

        Assert.Equal("1.2.0", verdict.Allowed!.Version);
        Assert.Equal(["newer than latest (1.4.0)", "skipped: breaks --version (issue 42)", "deprecated: use 1.4"], verdict.Held.Select(h => h.Hold.Text));

        var index = VersionPolicy.Evaluate(VersionScheme.Pep440, "0.4.0", [At("0.5.0", 10) with { Refused = new Hold(HoldKind.Yanked, "yanked") }, At("0.5.0rc1", 12)], InputPolicy.Default, Now);
        Assert.Null(index.Allowed);
        Assert.Equal([HoldKind.Yanked, HoldKind.Prerelease], index.Held.Select(h => h.Hold.Kind));
    }

    [Fact]
    public void A_security_fix_does_not_wait_and_debian_versions_order_as_dpkg_orders_them()
    {
        var verdict = VersionPolicy.Evaluate(VersionScheme.Debian, "26.1.5+dfsg1-9+deb13u1",
            [new UpstreamRelease("26.1.5+dfsg1-9+deb13u2", Now.AddHours(-2), Security: true), new UpstreamRelease("26.1.5+dfsg1-9+deb13u1+b1", Now.AddHours(-1))],
            InputPolicy.Default, Now);

        Assert.Equal("26.1.5+dfsg1-9+deb13u2", verdict.Allowed!.Version);
        Assert.Equal("too young: 1 hour old, waits 3d", verdict.Held.Single().Hold.Text);
        Assert.True(TemplateFleet.Tools.DebianVersion.Compare("26.1.5+dfsg1-9+deb13u1+b1", "26.1.5+dfsg1-9+deb13u1") > 0);
        Assert.True(TemplateFleet.Tools.DebianVersion.Compare("1.0~rc1-1", "1.0-1") < 0);
        Assert.True(TemplateFleet.Tools.DebianVersion.Compare("1:0.9-1", "2.0-1") > 0);
        Assert.True(TemplateFleet.Tools.DebianVersion.Compare("27.0.1+dfsg1-1", "26.1.5+dfsg1-9") > 0);
        Assert.Equal("26", VersionScheme.Debian.Major("26.1.5+dfsg1-9+deb13u1+b1"));
        Assert.Equal(0, TemplateFleet.Tools.DebianVersion.Compare("2.36-9+deb12u9", "2.36-9+deb12u9"));
    }

    [Theory]
    [InlineData("0.171.0-linux-x64", HoldKind.PlatformBuild)]
    [InlineData("0.162.0-alpha.15-linux-x64", HoldKind.PlatformBuild)]
    [InlineData("1.0.0-darwin-arm64-musl", HoldKind.PlatformBuild)]
    [InlineData("2026.9.6-beta.1", HoldKind.Prerelease)]
    [InlineData("2026.9.6-1", HoldKind.Prerelease)]
    [InlineData("1.0.0-linuxish", HoldKind.Prerelease)]
    public void Platform_builds_are_told_from_prereleases(string version, HoldKind kind) =>
        Assert.Equal(kind, VersionScheme.Npm.Intrinsic(version)!.Kind);

    [Theory]
    [InlineData("3d", 72 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("30m", 30)]
    [InlineData("0", 0)]
    public void Ages_read_as_the_policy_writes_them(string text, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), InputPolicyReader.TryParseAge(text));
        Assert.Equal(text, InputPolicyReader.Format(TimeSpan.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData("3 days")]
    [InlineData("3")]
    [InlineData("-1d")]
    public void Other_ages_are_not_ages(string text) => Assert.Null(InputPolicyReader.TryParseAge(text));
}
