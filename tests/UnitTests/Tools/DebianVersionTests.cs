using TemplateFleet.Tools;

namespace UnitTests.Tools;

public sealed class DebianVersionTests
{
    [Theory]
    [InlineData("2.5.0-2+b5", "2.5.0")]
    [InlineData("26.1.5+dfsg1-9+deb13u1+b1", "26.1.5+dfsg1")]
    [InlineData("1:2.38.1-5+deb12u3", "2.38.1")]
    [InlineData("0.9.0", "0.9.0")]
    [InlineData("1.2-3-4", "1.2-3")]
    public void The_upstream_part_drops_epoch_and_revision(string version, string upstream) =>
        Assert.Equal(upstream, DebianVersion.Upstream(version));

    [Theory]
    [InlineData("2.5.0-2+b5", "2.5.0", true)]
    [InlineData("26.1.5+dfsg1-9+deb13u1+b1", "26.1.5", true)]
    [InlineData("1.7.24~ds1-6+deb13u1", "1.7.24", true)]
    [InlineData("1:1.1.5+ds1-1+deb12u1", "1.1.5", true)]
    [InlineData("26.1.50-1", "26.1.5", false)]
    [InlineData("1.7.24.1-1", "1.7.24", false)]
    [InlineData("2.5.0-2", "2.5", false)]
    [InlineData("2.4.0-1", "2.5.0", false)]
    public void A_package_version_packages_only_its_own_upstream_version(string packageVersion, string toolVersion, bool packages) =>
        Assert.Equal(packages, DebianVersion.Packages(packageVersion, toolVersion));

    [Theory]
    [InlineData("2.5.0-2+b5", true)]
    [InlineData("1:2.38.1-5", true)]
    [InlineData("v2.5.0", false)]
    [InlineData("2.5.0 -1", false)]
    [InlineData("x:1.0", false)]
    public void Only_well_formed_versions_are_valid(string version, bool valid) =>
        Assert.Equal(valid, DebianVersion.IsValid(version));

    // dpkg --compare-versions A lt B holds for each pair (checked with dpkg 1.21 on these hosts' Debian 12).
    [Theory]
    [InlineData("1.0", "1.1")]
    [InlineData("1.0~rc1", "1.0")]
    [InlineData("1.0~rc1", "1.0~rc2")]
    [InlineData("1.0~~", "1.0~")]
    [InlineData("1.0", "1.0+b1")]
    [InlineData("26.1.5+dfsg1-9+deb13u1", "26.1.5+dfsg1-9+deb13u1+b1")]
    [InlineData("26.1.5+dfsg1-9+deb13u1+b1", "26.1.5+dfsg1-9+deb13u2")]
    [InlineData("5.36.0-7+deb12u1", "5.36.0-7+deb12u2")]
    [InlineData("2.36-9+deb12u9", "2.36-9+deb12u10")]
    [InlineData("9.9", "1:0.1")]
    [InlineData("1:1.0", "2:0.1")]
    [InlineData("1.0-1", "1.0-1.1")]
    [InlineData("1.0a", "1.0+")]
    [InlineData("1.0", "1.0-0.1")]
    [InlineData("1.2.3", "1.10")]
    [InlineData("2025a-0+deb12u1", "2025b-0+deb12u1")]
    public void Versions_order_as_dpkg_orders_them(string older, string newer)
    {
        Assert.True(DebianVersion.Compare(older, newer) < 0, $"{older} < {newer}");
        Assert.True(DebianVersion.Compare(newer, older) > 0, $"{newer} > {older}");
    }

    [Theory]
    [InlineData("1.0", "1.0-0")]
    [InlineData("0:1.0", "1.0")]
    [InlineData("1.00", "1.0")]
    [InlineData("1.0-1", "1.0-1")]
    public void Equal_versions_compare_equal(string a, string b) => Assert.Equal(0, DebianVersion.Compare(a, b));
}
