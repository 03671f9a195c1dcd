using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.KeepCurrent;

/// <summary>
/// The fleet's npm inputs (the three npm agents and Node) read from the npm registry these hosts reach, through npm's
/// own configuration, with the fleet's own policies. Only what does not move with time is asserted: the data is not
/// newer than `latest`, and whatever the policy allows is a stable release of the data's major, never a platform
/// build or a prerelease, and old enough.
/// </summary>
public sealed class RealRegistryTests
{
    [Fact]
    public async Task The_fleets_npm_inputs_are_read_and_no_platform_build_prerelease_or_new_major_is_ever_chosen()
    {
        var fleet = FleetLoader.LoadFleet(Support.RepositoryRoot.Path);
        var inputs = UpstreamInputs.Of(fleet, FleetLoader.LoadTemplates(fleet, fleet.TemplateNames))
            .Where(i => i.Source == InputSource.Npm && i.Name != FleetInputs.Npm).ToList();
        Assert.Equal(["claude-code", "codex", "openclaw", "node"], inputs.Select(i => i.Name));
        var sources = new UpstreamSources(new NpmRegistry(), null, new DebianArchive(Path.GetTempPath()));
        var now = DateTimeOffset.UtcNow;

        foreach (var input in inputs)
        {
            var (reading, verdict) = await new Outdated(sources, TimeProvider.System).ReadAndJudgeAsync(input, now, CancellationToken.None);
            var latest = reading.Latest;
            Assert.NotNull(latest);
            Assert.Contains(reading.Releases, r => r.Version == input.Current);           // the data's version exists there
            Assert.True(VersionScheme.Npm.Compare(input.Current!, latest) <= 0, $"{input.Name}: the data's {input.Current} is newer than latest {latest}");
            Assert.All(reading.Releases.Where(r => r.Version == latest), r => Assert.NotNull(r.PublishedAt)); // publish times carry offsets and parse
            if (verdict.Allowed is { } allowed)
            {
                Assert.Null(VersionScheme.Npm.Intrinsic(allowed.Version));                  // no platform build, no prerelease
                Assert.Equal(VersionScheme.Npm.Major(input.Current!), VersionScheme.Npm.Major(allowed.Version)); // majors stay
                Assert.True(VersionScheme.Npm.Compare(allowed.Version, latest) <= 0);
                Assert.True(now - allowed.PublishedAt!.Value >= input.Policy.MinimumReleaseAge, $"{input.Name} {allowed.Version} is younger than the policy's wait");
            }
            Assert.All(verdict.Held.Where(h => h.Version.Contains("-linux-", StringComparison.Ordinal)), h => Assert.Equal(HoldKind.PlatformBuild, h.Hold.Kind));
        }
    }
}
