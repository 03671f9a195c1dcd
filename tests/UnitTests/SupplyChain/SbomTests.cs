using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class SbomTests
{
    internal static string Spdx(params string[] purls) =>
        "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[" + string.Join(",", purls.Select(p =>
            $"{{\"name\":\"x\",\"externalRefs\":[{{\"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\",\"referenceLocator\":\"{p}\"}}]}}")
            .Append("{\"name\":\"debian\",\"primaryPackagePurpose\":\"OPERATING-SYSTEM\"}")) + "]}";

    internal static string CycloneDx(params string[] purls) =>
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[" + string.Join(",", purls.Select(p => $"{{\"purl\":\"{p}\"}}")) + "]}";

    static readonly string[] Codex =
    [
        "pkg:deb/debian/perl@5.36.0-7%2Bdeb12u2?arch=amd64&distro=debian-12.15",
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&epoch=0",
        "pkg:deb/debian/tar@1.34%2Bdfsg-1.2?arch=amd64&epoch=1",
        "pkg:pypi/molecule-ai-workspace-runtime@1.0.7",
        "pkg:npm/%40openai/codex@0.130.0",
        "pkg:npm/%40openai/codex@0.130.0-linux-x64",
    ];

    static readonly ExpectedPackage Runtime = ExpectedPackage.Runtime("molecule-ai-workspace-runtime", "1.0.7");

    static readonly ExpectedPackage Agent = ExpectedPackage.Agent(
        new Template("codex", "/t/codex", "d", "codex", new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"), SmokeChecks.None));

    [Theory]
    [InlineData(SbomFormat.Spdx)]
    [InlineData(SbomFormat.CycloneDx)]
    public void Both_formats_list_the_same_packages_by_purl(SbomFormat format)
    {
        var sbom = Sbom.Parse(format == SbomFormat.Spdx ? Spdx(Codex) : CycloneDx(Codex), format, "codex.json");
        Assert.Equal(6, sbom.Packages.Count);
        Assert.Contains(new SbomPackage("deb", "perl", "5.36.0-7+deb12u2"), sbom.Packages);
        Assert.Contains(new SbomPackage("deb", "libc6", "2.36-9+deb12u10"), sbom.Packages);
        Assert.Contains(new SbomPackage("deb", "tar", "1:1.34+dfsg-1.2"), sbom.Packages);
        Assert.Contains(new SbomPackage("npm", "@openai/codex", "0.130.0"), sbom.Packages);
        Assert.Contains(new SbomPackage("pypi", "molecule-ai-workspace-runtime", "1.0.7"), sbom.Packages);
    }

    [Fact]
    public void A_document_of_another_format_or_version_is_refused()
    {
        var e = Assert.Throws<SupplyChainException>(() => Sbom.Parse("{\"spdxVersion\":\"SPDX-2.2\"}", SbomFormat.Spdx, "a.json"));
        Assert.Equal("a.json: not an SPDX 2.3 document (spdxVersion is 'SPDX-2.2').", e.Message);
        e = Assert.Throws<SupplyChainException>(() => Sbom.Parse(Spdx(), SbomFormat.CycloneDx, "b.json"));
        Assert.Contains("not a CycloneDX 1.5 document", e.Message);
        Assert.Throws<SupplyChainException>(() => Sbom.Parse("{", SbomFormat.Spdx, "c.json"));
    }

    [Fact]
    public void The_versions_asked_for_pass_with_a_platform_build_beside_the_cli()
    {
        var sbom = Sbom.Parse(Spdx(Codex), SbomFormat.Spdx, "codex.spdx.json");
        Assert.Empty(SbomVersionCheck.Check("codex", sbom, "output/sbom/codex.spdx.json", [Runtime, Agent]));
    }

    [Fact]
    public void A_stale_runtime_names_template_package_expected_and_found()
    {
        var stale = Codex.Select(p => p.Replace("runtime@1.0.7", "runtime@1.0.0")).ToArray();
        var sbom = Sbom.Parse(CycloneDx(stale), SbomFormat.CycloneDx, "x");
        var problem = Assert.Single(SbomVersionCheck.Check("codex", sbom, "output/sbom/codex.cdx.json", [Runtime, Agent]));
        Assert.StartsWith("codex: the CycloneDX 1.5 SBOM (output/sbom/codex.cdx.json) lists the runtime molecule-ai-workspace-runtime at 1.0.0; expected exactly 1.0.7 (RUNTIME_VERSION).", problem);
    }

    [Fact]
    public void A_missing_cli_and_a_second_copy_are_both_reported()
    {
        var sbom = Sbom.Parse(Spdx("pkg:pypi/molecule_ai_workspace_runtime@1.0.7", "pkg:pypi/molecule-ai-workspace-runtime@0.9.0"), SbomFormat.Spdx, "x");
        var problems = SbomVersionCheck.Check("codex", sbom, "s.json", [Runtime, Agent]);
        Assert.Equal(2, problems.Count);
        Assert.Contains("lists the runtime molecule-ai-workspace-runtime at 1.0.7, 0.9.0; expected exactly 1.0.7", problems[0]);
        Assert.Equal("codex: the SPDX 2.3 SBOM (s.json) does not list the agent CLI @openai/codex at all; expected 0.130.0 (templates/codex/template.yaml agent.version).", problems[1]);
    }

    [Fact]
    public void Python_names_and_versions_compare_as_pep_503_and_440_say()
    {
        var sbom = Sbom.Parse(Spdx("pkg:pypi/Molecule.AI_Workspace-Runtime@1.0.7.0"), SbomFormat.Spdx, "x");
        Assert.Empty(SbomVersionCheck.Check("hermes", sbom, "s", [Runtime]));
    }

    [Fact]
    public void The_diff_names_runtime_agent_and_every_other_package_by_ecosystem_transitive_ones_included()
    {
        var before = Sbom.Parse(Spdx([.. Codex.Select(p => p.Replace("runtime@1.0.7", "runtime@1.0.0")), "pkg:pypi/httpx@0.27.0"]), SbomFormat.Spdx, "old");
        var after = Sbom.Parse(Spdx([.. Codex.Where(p => !p.Contains("libc6")).Select(p => p.Replace("deb12u2", "deb12u3")), "pkg:deb/debian/zstd@1.5.4-2?arch=amd64",
            "pkg:deb/debian/xz@5.4?arch=amd64", "pkg:pypi/httpx@0.28.1", "pkg:npm/ws@8.18.0"]), SbomFormat.Spdx, "new");
        var diff = SbomDiff.Between(before, after, Runtime, Agent);
        Assert.Equal(("1.0.0", "1.0.7"), (diff.RuntimeBefore, diff.RuntimeAfter));
        Assert.Equal(("0.130.0", "0.130.0"), (diff.AgentBefore, diff.AgentAfter));
        Assert.Equal([4, 1, 1], diff.Packages.Select(p => p.Changed));
        Assert.Equal("runtime `molecule-ai-workspace-runtime` 1.0.0 → 1.0.7 · agent CLI `@openai/codex` 0.130.0 (unchanged) · "
            + "Debian packages: 4 changed (2 added, 1 removed, 1 new versions: +xz 5.4, +zstd 1.5.4-2, -libc6, perl 5.36.0-7+deb12u2 → 5.36.0-7+deb12u3) · "
            + "Python packages: 1 changed (0 added, 0 removed, 1 new versions: httpx 0.27.0 → 0.28.1) · "
            + "npm packages: 1 changed (1 added, 0 removed, 0 new versions: +ws 8.18.0)", diff.ToMarkdown());
        Assert.EndsWith("Debian packages: none changed · Python packages: none changed · npm packages: none changed", SbomDiff.Between(after, after, Runtime, Agent).ToMarkdown());
        Assert.Equal("runtime `molecule-ai-workspace-runtime` 1.0.7 · agent CLI `@openai/codex` 0.130.0 · 4 Debian, 1 Python, 1 npm packages", SbomDiff.Describe(after, Runtime, Agent));
    }

    [Fact]
    public void A_long_list_of_changes_names_the_first_few_and_counts_the_rest()
    {
        var changes = new PackageChanges("npm", [.. Enumerable.Range(1, 10).Select(i => $"p{i:00} 1.0.0")], [], []);
        Assert.Equal("npm packages: 10 changed (10 added, 0 removed, 0 new versions: +p01 1.0.0, +p02 1.0.0, +p03 1.0.0, +p04 1.0.0, "
            + "+p05 1.0.0, +p06 1.0.0, +p07 1.0.0, +p08 1.0.0, and 2 more)", changes.ToMarkdown());
    }

    [Fact]
    public void Purls_decode_scopes_qualifiers_and_escapes()
    {
        var purl = Purl.TryParse("pkg:npm/%40scope/name@1.2.3-beta%2B1?arch=x#sub")!;
        Assert.Equal(("npm", "@scope/name", "1.2.3-beta+1", "x"), (purl.Type, purl.FullName, purl.Version, purl.Qualifiers["arch"]));
        Assert.Null(Purl.TryParse("npm/x@1"));
        Assert.Null(Purl.TryParse("pkg:npm"));
    }

    [Fact]
    public void Canonical_form_ignores_key_order_and_white_space_but_not_values()
    {
        var a = CanonicalJson.Canonicalize("{ \"b\": [1, 2.50, {\"y\": \"<&>\", \"x\": null}], \"a\": true }");
        Assert.Equal("{\"a\":true,\"b\":[1,2.50,{\"x\":null,\"y\":\"<&>\"}]}", CanonicalJson.ToText(a));
        Assert.Equal(CanonicalJson.Digest(a), CanonicalJson.Digest(CanonicalJson.Canonicalize("{\"a\":true,\"b\":[1,2.50,{\"x\":null,\"y\":\"\\u003c&>\"}]}")));
        Assert.NotEqual(CanonicalJson.Digest(a), CanonicalJson.Digest(CanonicalJson.Canonicalize("{\"a\":false,\"b\":[1,2.50,{\"x\":null,\"y\":\"<&>\"}]}")));
        Assert.Matches("^sha256:[0-9a-f]{64}$", CanonicalJson.Digest(a));
    }
}
