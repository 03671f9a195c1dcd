using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class SecurityUpgradeTests
{
    [Fact]
    public void The_security_archive_is_derived_from_the_image_s_own_one_line_sources()
    {
        var image = AptSourceList.ParseOneLine("# debootstrap\ndeb http://archive.test/debian bookworm main\ndeb-src http://archive.test/debian bookworm main\n");
        var (security, problem) = AptSourceList.SecurityFor(image, "bookworm");
        Assert.Null(problem);
        Assert.Equal("deb http://archive.test/debian-security bookworm-security main", Assert.Single(security).ToLine());
    }

    [Fact]
    public void Deb822_sources_with_signed_by_and_snapshot_layouts_keep_their_options()
    {
        var image = AptSourceList.ParseDeb822("""
            Types: deb
            # a snapshot of the archive
            URIs: http://snapshot.test/archive/debian/20250520T000000Z
            Suites: bookworm bookworm-updates
            Components: main contrib
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://other.test/debian
            Suites: bookworm
            Components: main
            Enabled: no
            """);
        Assert.Equal(2, image.Count);
        var (security, _) = AptSourceList.SecurityFor(image, "bookworm");
        Assert.Equal("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://snapshot.test/archive/debian-security/20250520T000000Z bookworm-security main contrib",
            Assert.Single(security).ToLine());
    }

    [Fact]
    public void Security_sources_the_image_already_has_are_used_as_they_are()
    {
        var image = AptSourceList.ParseOneLine("deb [signed-by=/k.gpg] http://a.test/debian bookworm main\ndeb http://mirror.test/sec bookworm-security main\n");
        Assert.Equal("http://mirror.test/sec", Assert.Single(AptSourceList.SecurityFor(image, "bookworm").Sources).Uri);
    }

    [Fact]
    public void An_archive_without_debian_s_layout_is_a_clear_problem()
    {
        var (sources, problem) = AptSourceList.SecurityFor(AptSourceList.ParseOneLine("deb http://mirror.test/pkgs bookworm main\n"), "bookworm");
        Assert.Empty(sources);
        Assert.StartsWith("none of the image's apt sources is a Debian archive for bookworm whose path ends in /debian", problem);
        Assert.Equal("the image has no apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/)", AptSourceList.SecurityFor([], "bookworm").Problem);
        Assert.Null(AptSourceList.DeriveSecurityUri("file:/debian"));
    }

    [Fact]
    public void Only_upgrades_from_a_security_archive_count()
    {
        const string output = """
            NOTE: This is only a simulation!
            Reading package lists...
            The following packages will be upgraded:
              liblzma5 perl-base tzdata
            3 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
            Inst perl-base [5.36.0-7+deb12u1] (5.36.0-7+deb12u2 Debian-Security:12/stable-security [amd64])
            Inst liblzma5 [5.4.1-0.2] (5.4.1-1 Debian:12.13/stable, Debian-Security:12/stable-security [amd64])
            Inst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.13/stable [all])
            Inst newpkg (1.0 Debian-Security:12/stable-security [amd64])
            Conf perl-base (5.36.0-7+deb12u2 Debian-Security:12/stable-security [amd64])
            """;
        var pending = PendingUpgrade.ParseSimulation(output);
        Assert.Equal(["perl-base 5.36.0-7+deb12u1 → 5.36.0-7+deb12u2", "liblzma5 5.4.1-0.2 → 5.4.1-1"], pending.Select(p => p.ToString()));
        Assert.Empty(PendingUpgrade.ParseSimulation("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));
    }

    [Fact]
    public void The_sources_dump_of_the_container_is_split_by_file_and_format()
    {
        var (suite, sources) = SecurityUpgradeCheck.ParseSourcesDump(
            "==> /etc/apt/sources.list\ndeb http://a.test/debian bookworm main\n\n==> /etc/apt/sources.list.d/debian.sources\nTypes: deb\nURIs: http://b.test/debian\nSuites: bookworm-updates\nComponents: main\n\n==> codename\nbookworm\n");
        Assert.Equal("bookworm", suite);
        Assert.Equal(["http://a.test/debian bookworm", "http://b.test/debian bookworm-updates"], sources.Select(s => $"{s.Uri} {s.Suite}"));
        Assert.Null(SecurityUpgradeCheck.ParseSourcesDump("==> codename\n\n").Suite);
    }

    [Fact]
    public void The_report_names_the_template_and_the_packages()
    {
        var report = new SecurityUpgradeReport("codex", "bookworm", [new("perl", "1", "2")], DateTimeOffset.UnixEpoch);
        Assert.False(report.Passed);
        Assert.StartsWith("codex: 1 pending security upgrade from bookworm-security: perl 1 → 2. The image must take", report.Refusal());
        Assert.Equal("codex: no pending security upgrade (bookworm-security)", (report with { Pending = [] }).Summary());
    }
}
