using TemplateFleet.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>The security-upgrade gate with the real apt against the real security archive: the OS image as
/// bootstrapped (main only) has pending security upgrades; once they are taken, nothing is pending.</summary>
[Collection(SupplyChainCollection.Name)]
public sealed class SecurityUpgradeGateTests(SupplyChainFixture fixture)
{
    [Fact]
    public async Task The_bootstrapped_os_image_lacks_security_upgrades_and_the_upgraded_one_does_not()
    {
        var check = new SecurityUpgradeCheck(fixture.Docker, fixture.RunId);
        var sources = await check.SourcesAsync("os", fixture.OsImage, CancellationToken.None);
        Assert.Equal("bookworm", sources.Suite);
        Assert.All(sources.Security, s => Assert.Equal("bookworm-security", s.Suite));
        Assert.All(sources.Security, s => Assert.EndsWith("/debian-security", s.Uri, StringComparison.Ordinal));

        var before = await check.CheckAsync("os", fixture.OsImage, CancellationToken.None);
        Assert.False(before.Passed, "the OS image is bootstrapped from main only, so Debian's security fixes are missing");
        Assert.All(before.Pending, p => Assert.NotEqual(p.Installed, p.Candidate));
        Assert.StartsWith($"os: {before.Pending.Count} pending security upgrade", before.Refusal());

        var after = await check.CheckAsync("os-upgraded", await FleetLikeImage.UpgradedOsAsync(fixture), CancellationToken.None);
        Assert.True(after.Passed, after.Summary());
        Assert.Empty(await fixture.Docker.Containers.ListContainersAsync(new Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TemplateFleet.Fleet.Labels.Run}={fixture.RunId}"] = true } },
        }));
    }
}
