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
        Assert.Null(SecurityArchive.DeriveSecurityUri("file:/debian"));
    }

    [Fact]
    public void A_package_is_pending_when_the_security_archive_serves_a_newer_version_by_dpkg_s_ordering()
    {
        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        SecurityArchive.Read("""
            Package: perl-base
            Version: 5.36.0-7+deb12u2
            Architecture: amd64

            Package: perl-base
            Version: 5.36.0-7+deb12u1

            Package: libgcc-s1
            Version: 1:12.2.0-14+deb12u1

            Package: tzdata
            Version: 2025b-0+deb12u1

            Package: libfoo
            Version: 2.0~rc1-1

            Package: docker-cli
            Version: 26.1.5+dfsg1-9+deb13u1+b2
            """, newest);
        Assert.Equal("5.36.0-7+deb12u2", newest["perl-base"]);
        var index = new SecurityIndex("bookworm", newest, DateTimeOffset.UnixEpoch);
        var pending = SecurityArchive.Pending([
            ("perl-base", "5.36.0-7+deb12u1"),     // older revision: pending
            ("libgcc-s1", "12.2.0-14+deb12u1"),    // no epoch < epoch 1: pending
            ("tzdata", "2025b-0+deb12u1"),          // the same: not pending
            ("libfoo", "2.0-1"),                    // 2.0~rc1 sorts before 2.0: not pending
            ("docker-cli", "26.1.5+dfsg1-9+deb13u1+b1"), // a binNMU: pending
            ("bash", "5.2.15-2+b7"),                // not in the security archive
        ], index).Select(p => p.ToString());
        Assert.Equal(["docker-cli 26.1.5+dfsg1-9+deb13u1+b1 → 26.1.5+dfsg1-9+deb13u1+b2", "libgcc-s1 12.2.0-14+deb12u1 → 1:12.2.0-14+deb12u1",
            "perl-base 5.36.0-7+deb12u1 → 5.36.0-7+deb12u2"], pending);
    }

    [Fact]
    public void The_security_list_comes_from_the_host_s_own_sources()
    {
        var host = TemplateFleet.Tools.AptSources.Parse("""
            Types: deb
            URIs: http://archive.test/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://archive.test/debian-security
            Suites: bookworm-security
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
            """, "debian.sources");
        var list = SecurityArchive.ListFor(host, "bookworm", "trixie")!;
        Assert.Contains("URIs: http://archive.test/debian-security\n", list);
        Assert.Contains("Suites: trixie-security\n", list);
        Assert.DoesNotContain("Suites: trixie\n", list);
        // A host listing only its main archive: the security archive is derived from it.
        var derived = SecurityArchive.ListFor(host.Take(1).ToList(), "bookworm", "bookworm")!;
        Assert.Contains("URIs: http://archive.test/debian-security\n", derived);
        Assert.Contains("Suites: bookworm-security\n", derived);
        Assert.Null(SecurityArchive.ListFor([], "bookworm", "bookworm"));
    }

    [Fact]
    public void The_sources_dump_of_the_container_is_split_by_file_and_format()
    {
        var (suite, sources) = ImageAptSourcesReader.ParseSourcesDump(
            "==> /etc/apt/sources.list\ndeb http://a.test/debian bookworm main\n\n==> /etc/apt/sources.list.d/debian.sources\nTypes: deb\nURIs: http://b.test/debian\nSuites: bookworm-updates\nComponents: main\n\n==> codename\nbookworm\n");
        Assert.Equal("bookworm", suite);
        Assert.Equal(["http://a.test/debian bookworm", "http://b.test/debian bookworm-updates"], sources.Select(s => $"{s.Uri} {s.Suite}"));
        Assert.Null(ImageAptSourcesReader.ParseSourcesDump("==> codename\n\n").Suite);
    }

    [Fact]
    public void The_report_names_the_template_and_the_packages()
    {
        var report = new SecurityUpgradeReport("codex", "bookworm", [new("perl", "1", "2")], DateTimeOffset.UnixEpoch);
        Assert.False(report.Passed);
        Assert.StartsWith("codex: 1 pending security upgrade from bookworm-security: perl 1 → 2. The image must take", report.Refusal());
        Assert.Equal("codex: no pending security upgrade (bookworm-security)", (report with { Pending = [] }).Summary());
        Assert.Equal("codex: no pending security upgrade (bookworm-security; docker-cli from trixie-security)", (report with { Pending = [], Others = ["docker-cli from trixie-security"] }).Summary());
    }
}
