using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.RealFleet;

/// <summary>
/// The SBOMs of one real template (codex: Debian packages, the runtime in /opt/molecule-venv, the agent CLI among
/// the npm globals), made by the real trivy with no network at all (phase "codex SBOMs" of
/// <see cref="RealFleetFixture"/>: trivy runs in a network namespace of its own, only the engine's unix socket is
/// reachable, so a database download could not even be tried).
/// </summary>
[Collection(RealFleetCollection.Name)]
public sealed class RealTemplateSbomTests(RealFleetFixture fx)
{
    [Fact]
    public void The_codex_sboms_list_its_debian_packages_the_runtime_and_the_cli_at_the_versions_asked_for()
    {
        fx.Phases.Require("codex SBOMs");
        var fleet = FleetLoader.LoadFleet(fx.Root);
        var codex = FleetLoader.LoadTemplate(fleet, "codex");
        // The secret scan of every layer passes with the repository's suppressions, and read every layer that holds files.
        Assert.True(fx.CodexSecrets.Passed, fx.CodexSecrets.Refusal("templates/secret-suppressions.yaml"));
        Assert.All(fx.CodexScan.Layers, l => Assert.True(l.Files > 0 || l.Bytes == 0, l.Summary()));
        var expected = new[] { ExpectedPackage.Runtime(fleet.Runtime.Package, RealFleetFixture.RuntimeVersion), ExpectedPackage.Agent(codex) };
        foreach (var document in fx.CodexSboms.Both)
        {
            Assert.Empty(SbomVersionCheck.Check("codex", document.Sbom, document.File, expected));
            Assert.Contains(document.Sbom.InEcosystem("pypi"), p => p.Name == fleet.Runtime.Package && p.Version == RealFleetFixture.RuntimeVersion);
            Assert.Contains(document.Sbom.InEcosystem("npm"), p => p.Name == "@openai/codex" && p.Version == codex.Agent.Version);
            Assert.Contains(document.Sbom.InEcosystem("npm"), p => p.Name == fleet.Base.Node.Package && p.Version == fleet.Base.Node.Version);
            Assert.True(document.Sbom.InEcosystem("deb").Count() > 100, "the Debian packages of the base");
            Assert.Contains(document.Sbom.InEcosystem("deb"), p => p.Name == "sudo");
        }
    }

    [Fact]
    public void A_runtime_bump_the_image_does_not_hold_is_named_by_both_sboms()
    {
        fx.Phases.Require("codex SBOMs");
        var fleet = FleetLoader.LoadFleet(fx.Root);
        var codex = FleetLoader.LoadTemplate(fleet, "codex");
        // The cache trap: RUNTIME_VERSION 1.0.1 asked for, the image holds 1.0.0.
        var bumped = new[] { ExpectedPackage.Runtime(fleet.Runtime.Package, "1.0.1"), ExpectedPackage.Agent(codex) };
        Assert.All(fx.CodexSboms.Both, d => Assert.Contains("expected exactly 1.0.1 (RUNTIME_VERSION)", Assert.Single(SbomVersionCheck.Check("codex", d.Sbom, d.File, bumped))));
    }
}
