using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

/// <summary>The pull request's line per published template: old pin's attested SBOM against the new one, or why not.</summary>
public sealed class SbomChangeTests
{
    static readonly ExpectedPackage Runtime = ExpectedPackage.Runtime("molecule-ai-workspace-runtime", "1.0.7");
    static readonly ExpectedPackage Agent = ExpectedPackage.Agent(
        new Template("codex", "/t/codex", "d", "codex", new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"), SmokeChecks.None));

    static Sbom Of(params string[] purls) => Sbom.Parse(SbomTests.Spdx(purls), SbomFormat.Spdx, "test");

    static readonly Sbom After = Of("pkg:deb/debian/perl@5.36.0-7%2Bdeb12u3?arch=amd64", "pkg:deb/debian/tar@1.34?arch=amd64",
        "pkg:pypi/molecule-ai-workspace-runtime@1.0.7", "pkg:npm/%40openai/codex@0.130.0");

    static Pin Old(SupplyChainRecord? record, string registry = "127.0.0.1:5000") => new()
    {
        Template = "codex",
        Image = $"{registry}/molecule-fleet/codex",
        Digest = "sha256:" + new string('a', 64),
        RuntimeVersion = Pep440Version.Parse("1.0.0"),
        Revision = "c0ffee1",
        PublishedAt = DateTimeOffset.UnixEpoch,
        SupplyChain = record,
    };

    static Task<string> Describe(Pin? previous, Func<SupplyChainRecord, Task<(Sbom?, string?)>> readOld) =>
        SupplyChainPublishing.Describe(previous, After, Runtime, Agent, "127.0.0.1:5000", readOld);

    static Task<(Sbom?, string?)> Unreachable(SupplyChainRecord _) => throw new Xunit.Sdk.XunitException("the old SBOM was not to be read");

    [Fact]
    public async Task A_signed_old_pin_is_compared_by_its_attested_SBOM()
    {
        var before = Of("pkg:deb/debian/perl@5.36.0-7%2Bdeb12u2?arch=amd64", "pkg:deb/debian/libc6@2.36?arch=amd64",
            "pkg:pypi/molecule-ai-workspace-runtime@1.0.0", "pkg:npm/%40openai/codex@0.130.0");
        SupplyChainRecord? asked = null;
        var line = await Describe(Old(SupplyChainRecordTests.Sample()), record => { asked = record; return Task.FromResult<(Sbom?, string?)>((before, null)); });
        Assert.Equal(SupplyChainRecordTests.Sample().Sbom.CycloneDx, asked?.Sbom.CycloneDx); // the old pin's own record: its SBOM digests
        Assert.Equal("runtime `molecule-ai-workspace-runtime` 1.0.0 → 1.0.7 · agent CLI `@openai/codex` 0.130.0 (unchanged) · "
            + "Debian packages: 3 changed (1 added, 1 removed, 1 new versions: +tar 1.34, -libc6, perl 5.36.0-7+deb12u2 → 5.36.0-7+deb12u3) · "
            + "Python packages: none changed · npm packages: none changed", line);
    }

    [Fact]
    public async Task Without_an_old_SBOM_to_compare_with_the_line_says_why_and_what_the_new_one_holds()
    {
        const string now = "runtime `molecule-ai-workspace-runtime` 1.0.7 · agent CLI `@openai/codex` 0.130.0 · 2 Debian, 0 Python, 0 npm packages";
        Assert.Equal($"first pin: {now}", await Describe(null, Unreachable));
        Assert.Equal($"the old pin has no SBOM (published before images were signed); now {now}", await Describe(Old(null), Unreachable));
        Assert.Equal($"the old pin is in another registry (registry.test/molecule-fleet/codex); now {now}",
            await Describe(Old(SupplyChainRecordTests.Sample(), "registry.test"), Unreachable));
        Assert.Equal($"the old pin's SBOM could not be read (codex: signature: not signed by this key); now {now}",
            await Describe(Old(SupplyChainRecordTests.Sample()), _ => Task.FromResult<(Sbom?, string?)>((null, "codex: signature: not signed by this key\nmore"))));
        Assert.Equal($"the old pin's SBOM could not be read (cosign failed); now {now}",
            await Describe(Old(SupplyChainRecordTests.Sample()), _ => throw new SupplyChainException("cosign failed\ndetails")));
    }
}
