using TemplateFleet.SupplyChain;
using UnitTests.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>The security-upgrade gate on the host, with the real Debian security archive (fetched once through the
/// private apt configuration) against the real SBOMs: the OS image as bootstrapped (main only) has pending security
/// upgrades; once they are taken, nothing is pending. No container is started for the check.</summary>
[Collection(SupplyChainCollection.Name)]
public sealed class SecurityUpgradeGateTests(SupplyChainFixture fixture)
{
    [Fact]
    public async Task The_bootstrapped_os_image_lacks_security_upgrades_and_the_upgraded_one_does_not()
    {
        var sources = await ImageAptSourcesReader.ReadAsync(fixture.Docker, fixture.RunId, "os", fixture.OsImage, CancellationToken.None);
        Assert.Equal("bookworm", sources.Suite);
        Assert.All(sources.Security, s => Assert.Equal("bookworm-security", s.Suite));
        Assert.All(sources.Security, s => Assert.EndsWith("/debian-security", s.Uri, StringComparison.Ordinal));

        var scanner = fixture.Tools.ImageScanner(fixture.Docker);
        var check = fixture.Tools.SecurityArchive();
        var os = await scanner.ScanAsync("os", "fleet-supply-it/os", fixture.OsImage, fixture.Suppressions, new StepTimings(), CancellationToken.None);
        var before = await check.CheckAsync("os", os.Sboms.CycloneDx.Sbom.Packages, fixture.Origin, CancellationToken.None);
        Assert.False(before.Passed, "the OS image is bootstrapped from main only, so Debian's security fixes are missing");
        Assert.All(before.Pending, p => Assert.True(TemplateFleet.Tools.DebianVersion.Compare(p.Candidate, p.Installed) > 0, p.ToString()));
        Assert.StartsWith($"os: {before.Pending.Count} pending security upgrade", before.Refusal());

        var upgradedImage = await FleetLikeImage.UpgradedOsAsync(fixture);
        var upgraded = await scanner.ScanAsync("os-upgraded", "fleet-supply-it/os-upgraded", upgradedImage, fixture.Suppressions, new StepTimings(), CancellationToken.None);
        var after = await check.CheckAsync("os-upgraded", upgraded.Sboms.CycloneDx.Sbom.Packages, fixture.Origin, CancellationToken.None);
        Assert.True(after.Passed, after.Summary());
        Assert.Empty(await fixture.Docker.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TemplateFleet.Fleet.Labels.Run}={fixture.RunId}"] = true } },
        }));
    }
}
