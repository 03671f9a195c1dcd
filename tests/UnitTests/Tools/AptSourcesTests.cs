using TemplateFleet.Tools;

namespace UnitTests.Tools;

public sealed class AptSourcesTests
{
    // The shape of these hosts' /etc/apt/sources.list.d/debian.sources, with made-up archive hosts.
    private const string HostSources = """
        Types: deb
        # a comment inside a stanza
        URIs: http://archive.example/debian
        Suites: bookworm bookworm-updates
        Components: main contrib
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: http://security.example/debian-security
        Suites: bookworm-security
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb-src
        URIs: http://archive.example/debian
        Suites: bookworm
        Components: main

        Types: deb
        URIs: http://disabled.example/debian
        Suites: bookworm
        Components: main
        Enabled: no

        Types: deb
        URIs: http://other.example/ubuntu
        Suites: noble
        Components: universe
        """;

    [Fact]
    public void Parsing_keeps_the_fields_and_the_line_of_each_enabled_stanza()
    {
        var stanzas = AptSources.Parse(HostSources, "debian.sources");

        Assert.Equal(4, stanzas.Count);
        var first = stanzas[0];
        Assert.Equal(["deb"], first.Types);
        Assert.Equal(["http://archive.example/debian"], first.Uris);
        Assert.Equal(["bookworm", "bookworm-updates"], first.Suites);
        Assert.Equal(["main", "contrib"], first.Components);
        Assert.Equal("/usr/share/keyrings/debian-archive-keyring.gpg", first.SignedBy);
        Assert.Equal(("debian.sources", 1), (first.File, first.Line));
        Assert.Equal(8, stanzas[1].Line);
        Assert.DoesNotContain(stanzas, s => s.Uris.Contains("http://disabled.example/debian"));
    }

    [Fact]
    public void The_private_list_is_the_hosts_archives_for_the_other_suite()
    {
        var list = AptSources.PrivateList(AptSources.Parse(HostSources, "debian.sources"), "bookworm", "trixie");

        Assert.Equal("""
            # From debian.sources:1
            Types: deb
            URIs: http://archive.example/debian
            Suites: trixie trixie-updates
            Components: main contrib
            Targets: Packages
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            # From debian.sources:8
            Types: deb
            URIs: http://security.example/debian-security
            Suites: trixie-security
            Components: main
            Targets: Packages
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            """, list);
    }

    [Fact]
    public void The_hosts_own_suite_gets_a_private_list_too()
    {
        var list = AptSources.PrivateList(AptSources.Parse(HostSources, "debian.sources"), "bookworm", "bookworm")!;

        Assert.Contains("Suites: bookworm bookworm-updates\n", list);
        Assert.Contains("Suites: bookworm-security\n", list);
        Assert.DoesNotContain("noble", list);
    }

    [Fact]
    public void An_inline_key_keeps_its_lines()
    {
        var stanzas = AptSources.Parse("""
            Types: deb
            URIs: http://archive.example/debian
            Suites: bookworm
            Components: main
            Signed-By:
             -----BEGIN PGP PUBLIC KEY BLOCK-----
             .
             mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD9K7UgrF6nP4yHbBTQ
             -----END PGP PUBLIC KEY BLOCK-----
            """, "inline.sources");

        var list = AptSources.PrivateList(stanzas, "bookworm", "trixie")!;

        Assert.EndsWith("""
            Signed-By:
             -----BEGIN PGP PUBLIC KEY BLOCK-----
             .
             mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD9K7UgrF6nP4yHbBTQ
             -----END PGP PUBLIC KEY BLOCK-----

            """, list);
    }

    [Fact]
    public void A_backports_suite_comes_from_the_hosts_main_archive_only()
    {
        var list = AptSources.PrivateList(AptSources.Parse(HostSources, "debian.sources"), "bookworm", "bookworm-backports")!;

        Assert.Contains("Suites: bookworm-backports\n", list);
        Assert.DoesNotContain("-security", list);
        Assert.DoesNotContain("-updates", list);
    }

    [Fact]
    public void No_stanza_for_the_hosts_codename_gives_no_list()
    {
        Assert.Null(AptSources.PrivateList(AptSources.Parse(HostSources, "debian.sources"), "jammy", "trixie"));
        Assert.Null(AptSources.PrivateList([], "bookworm", "trixie"));
    }

    [Fact]
    public void The_codename_comes_from_os_release()
    {
        Assert.Equal("bookworm", AptSources.Codename("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"));
        Assert.Equal("trixie", AptSources.Codename("VERSION_CODENAME=\"trixie\""));
        Assert.Null(AptSources.Codename("ID=alpine\nVERSION_ID=3.20\n"));
    }

    [Fact]
    public void This_hosts_sources_give_a_private_trixie_list()
    {
        // The real files: whatever archive this host uses, the private list points at the same URIs.
        var host = AptSources.ReadHost();
        var codename = AptSources.Codename(File.ReadAllText("/etc/os-release"))!;

        var list = AptSources.PrivateList(host, codename, "trixie");

        Assert.NotNull(list);
        foreach (var uri in host.Where(s => s.Types.Contains("deb") && s.Suites.Contains(codename)).SelectMany(s => s.Uris))
        {
            Assert.Contains($"URIs: {uri}\n", list);
        }
        Assert.Contains("Suites: trixie", list);
    }
}
