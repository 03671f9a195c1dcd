using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// The SBOM of one real template (codex: Debian packages, the runtime in /opt/molecule-venv, the agent CLI among
/// the npm globals), made by the real trivy with no network at all: trivy runs in a network namespace of its own,
/// so a database download could not even be tried; and the secret scan of every layer of it passes with the
/// repository's suppressions.
/// </summary>
[Collection(SupplyChainCollection.Name)]
[Trait("Category", "RealFleet")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RealTemplateSbomTests(SupplyChainFixture fixture)
{
    const string RuntimeVersion = "1.0.0";

    [Fact]
    public async Task The_codex_sboms_list_its_debian_packages_the_runtime_and_the_cli_at_the_versions_asked_for()
    {
        var (exit, output) = await BuildScript.RunAsync("supply-chain-codex.log", RepositoryRoot.Path, new Dictionary<string, string>(),
            "BuildImage", "--templates", "codex", "--runtime-version", RuntimeVersion);
        Assert.True(exit == 0, $"./build.sh BuildImage exited {exit}; log: output/tests/supply-chain-codex.log\n{BuildScript.Tail(output)}");
        var fleet = FleetLoader.LoadFleet(RepositoryRoot.Path);
        var codex = FleetLoader.LoadTemplate(fleet, "codex");
        var image = (await fixture.Docker.Images.InspectImageAsync($"{fleet.Images.Repository}/codex:{RuntimeVersion}")).ID;

        // trivy without a network, with no SBOM cache, so the SBOMs are made here and now (its layer cache may be warm).
        var offline = new TrivyCli(await NoNetworkAsync(fixture.Tools.Trivy.Executable), "trivy without a network", SupplyChainTools.Folder(TestCache.Home, "trivy"));
        var scanner = new ImageScanner(fixture.Docker, fixture.Tools.Scanner(), fixture.Tools.SecretCache(), offline,
            new SbomWriter(offline, fixture.Paths.Sboms, SupplyChainTools.Scratch(fixture.Paths)), SupplyChainTools.Scratch(fixture.Paths));
        var scan = await scanner.ScanAsync("codex", fleet.Images.RepositoryOf("codex"), image, fixture.Suppressions, new StepTimings(), CancellationToken.None);
        var sboms = scan.Sboms;

        var secrets = SecretScanResult.Of("codex", scan.Findings, fixture.Suppressions, ["layers", "image config"]);
        Assert.True(secrets.Passed, secrets.Refusal("templates/secret-suppressions.yaml"));
        Assert.All(scan.Layers, l => Assert.True(l.Files > 0 || l.Bytes == 0, l.Summary()));
        var expected = new[] { ExpectedPackage.Runtime(fleet.Runtime.Package, RuntimeVersion), ExpectedPackage.Agent(codex) };
        foreach (var document in sboms.Both)
        {
            Assert.Empty(SbomVersionCheck.Check("codex", document.Sbom, document.File, expected));
            Assert.Contains(document.Sbom.InEcosystem("pypi"), p => p.Name == fleet.Runtime.Package && p.Version == RuntimeVersion);
            Assert.Contains(document.Sbom.InEcosystem("npm"), p => p.Name == "@openai/codex" && p.Version == codex.Agent.Version);
            Assert.Contains(document.Sbom.InEcosystem("npm"), p => p.Name == fleet.Base.Node.Package && p.Version == fleet.Base.Node.Version);
            Assert.True(document.Sbom.InEcosystem("deb").Count() > 100, "the Debian packages of the base");
            Assert.Contains(document.Sbom.InEcosystem("deb"), p => p.Name == "sudo");
        }

        // A runtime bump the image does not hold (the cache trap) is named by both SBOMs.
        var bumped = new[] { ExpectedPackage.Runtime(fleet.Runtime.Package, "1.0.1"), ExpectedPackage.Agent(codex) };
        Assert.All(sboms.Both, d => Assert.Contains("expected exactly 1.0.1 (RUNTIME_VERSION)", Assert.Single(SbomVersionCheck.Check("codex", d.Sbom, d.File, bumped))));
    }

    /// <summary>A wrapper that runs trivy in a new, empty network namespace.</summary>
    async Task<string> NoNetworkAsync(string trivy)
    {
        var wrapper = Path.Combine(fixture.WorkDirectory, "trivy-no-network");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec unshare --net -- '{trivy}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return wrapper;
    }
}
