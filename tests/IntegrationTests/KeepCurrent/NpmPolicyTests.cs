using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.KeepCurrent;

/// <summary>
/// The policy against a real npm registry server (Verdaccio on loopback, uplinks off) through the real reader (npm view
/// with npm_config_registry, as any npm command takes it): a fixture CLI published at versions that cover every case.
/// Times are set in Verdaccio's storage metadata relative to now (the policy's clock is the system's), so each case has
/// the age it needs whatever day the test runs.
/// </summary>
public sealed class NpmPolicyTests(VerdaccioRegistry registry) : IClassFixture<VerdaccioRegistry>, IAsyncLifetime
{
    const string Cli = "fleet-fixture-cli";

    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public Task InitializeAsync() => registry.OnceAsync(Cli, PublishFixturesAsync);

    async Task PublishFixturesAsync()
    {
        // In publish order: `latest` ends at 2.0.0; 2.1.0 only under `next`.
        (string Version, string Tag, double? DaysAgo)[] versions =
        [
            ("1.0.0", "latest", 60),          // the data's version
            ("1.1.0", "latest", 30),          // stable, old enough
            ("1.2.0", "latest", 20),          // stable, old enough: the newest the policy allows
            ("1.2.5", "latest", 15),          // deprecated
            ("1.2.7", "latest", 12),          // skipped by the policy, with a reason
            ("1.3.0", "latest", 1),           // too young
            ("1.4.0", "latest", null),        // no publish time
            ("1.4.0-linux-x64", "platform", 10), // a platform build
            ("1.5.0-beta.1", "beta", 10),     // a prerelease
            ("2.0.0", "latest", 10),          // a new major
            ("2.1.0", "next", 10),            // newer than latest
        ];
        foreach (var (version, tag, _) in versions)
            await registry.PublishAsync(Cli, version, tag);
        registry.SetTimes(Cli, versions.ToDictionary(v => v.Version, v => v.DaysAgo is { } days ? Now.AddDays(-days) : (DateTimeOffset?)null));
        registry.Deprecate(Cli, "1.2.5", "broken --version, use 1.2.7");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static readonly InputPolicy Policy = InputPolicy.Default with { Skip = [new SkippedVersion("1.2.7", "its --version line changed (fixture)")] };

    UpstreamInput Input(string current = "1.0.0", InputPolicy? policy = null) =>
        new(Cli, InputSource.Npm, Cli, current, policy ?? Policy, InputReach.Template, new DataLocation("templates/fixture/template.yaml", ["agent", "version"]));

    UpstreamSources Sources(IReadOnlyDictionary<string, string?>? environment = null) =>
        new(new NpmRegistry(environment ?? registry.NpmEnvironment, TimeSpan.FromSeconds(60)), null, new DebianArchive(Path.GetTempPath()));

    [Fact]
    public async Task Every_case_of_the_policy_is_read_from_the_registry_and_held_with_its_reason()
    {
        var sources = Sources();
        var verdict = (await new Outdated(sources, TimeProvider.System).ReadAndJudgeAsync(Input(), DateTimeOffset.UtcNow, CancellationToken.None)).Verdict;

        Assert.Equal("1.2.0", verdict.Allowed!.Version);
        Assert.Equal(Now.AddDays(-20).ToUnixTimeSeconds(), verdict.Allowed.PublishedAt!.Value.ToUnixTimeSeconds());
        Assert.Equal("2.1.0", verdict.NewestSeen!.Version);
        Assert.Equal(
        [
            ("2.1.0", HoldKind.BeyondLatest),
            ("2.0.0", HoldKind.Major),
            ("1.5.0-beta.1", HoldKind.Prerelease),
            ("1.4.0", HoldKind.NoPublishTime),
            ("1.4.0-linux-x64", HoldKind.PlatformBuild),
            ("1.3.0", HoldKind.TooYoung),
            ("1.2.7", HoldKind.Skipped),
            ("1.2.5", HoldKind.Deprecated),
        ], verdict.Held.Select(h => (h.Version, h.Hold.Kind)));
        Assert.Equal("deprecated: broken --version, use 1.2.7", verdict.Held.Single(h => h.Version == "1.2.5").Hold.Text);
        Assert.Equal("skipped: its --version line changed (fixture)", verdict.Held.Single(h => h.Version == "1.2.7").Hold.Text);
        Assert.Equal("too young: 1 day old, waits 3d", verdict.Held.Single(h => h.Version == "1.3.0").Hold.Text);

        // A policy that allows majors takes 2.0.0, never 2.1.0 (above latest).
        var majors = (await new Outdated(sources, TimeProvider.System).ReadAndJudgeAsync(Input(policy: Policy with { AllowMajor = true }), DateTimeOffset.UtcNow, CancellationToken.None)).Verdict;
        Assert.Equal("2.0.0", majors.Allowed!.Version);
        // Current at 1.2.0: nothing newer is allowed, and the table says why the newest waits.
        var current = (await new Outdated(sources, TimeProvider.System).ReadAndJudgeAsync(Input("1.2.0"), DateTimeOffset.UtcNow, CancellationToken.None)).Verdict;
        Assert.Null(current.Allowed);
        Assert.StartsWith("2.1.0: newer than latest (2.0.0); 1 new major; 1 prerelease; 1 without publish time; 1 platform build; 1 too young; 1 skipped; 1 deprecated", current.WhyWaiting(VersionScheme.Npm));
    }

    [Fact]
    public async Task A_bump_takes_only_a_version_the_registry_has_and_the_policy_allows()
    {
        var sources = Sources();
        var outdated = new Outdated(sources, TimeProvider.System);
        IReadOnlyList<UpstreamInput> inputs = [Input()];

        var newest = await outdated.ResolveBumpAsync(inputs, Cli, null, CancellationToken.None);
        Assert.Equal($"{Cli} 1.0.0 → 1.2.0", newest!.Subject);
        Assert.Equal("1.1.0", (await outdated.ResolveBumpAsync(inputs, Cli, "1.1.0", CancellationToken.None))!.Version);

        async Task<string> Refused(string version) =>
            (await Assert.ThrowsAsync<FleetUsageException>(() => outdated.ResolveBumpAsync(inputs, Cli, version, CancellationToken.None))).Message;
        Assert.Equal($"--input-version 1.9.0: npm {Cli} has no such version (newest allowed: 1.2.0).", await Refused("1.9.0"));
        Assert.Equal($"--input-version 1.2.5: {Cli}'s policy holds it back (deprecated: broken --version, use 1.2.7); take the newest it allows (1.2.0), or change the policy (templates/fixture/template.yaml).", await Refused("1.2.5"));
        Assert.Equal($"--input-version 1.3.0: {Cli}'s policy holds it back (too young: 1 day old, waits 3d); take the newest it allows (1.2.0), or change the policy (templates/fixture/template.yaml).", await Refused("1.3.0"));
        Assert.Equal($"--input 'nope' is not an input of this fleet; the inputs are: {Cli}.",
            (await Assert.ThrowsAsync<FleetUsageException>(() => outdated.ResolveBumpAsync(inputs, "nope", null, CancellationToken.None))).Message);
    }

    [Fact]
    public async Task A_package_the_registry_lacks_and_a_registry_that_does_not_answer_are_one_line_each()
    {
        var missing = await Assert.ThrowsAsync<KeepCurrentException>(() => Sources().ReadAsync(Input() with { Package = "fleet-fixture-missing" }, CancellationToken.None));
        Assert.StartsWith("npm view fleet-fixture-missing: npm's configured registry does not have this package", missing.Message);
        Assert.DoesNotContain("\n", missing.Message);

        var closed = new Dictionary<string, string?> { ["npm_config_registry"] = $"http://127.0.0.1:{VerdaccioRegistry.FreePort()}/" };
        var started = DateTime.UtcNow;
        var silent = await Assert.ThrowsAsync<KeepCurrentException>(() => Sources(closed).ReadAsync(Input(), CancellationToken.None));
        Assert.StartsWith($"npm view {Cli}: npm failed (ECONNREFUSED", silent.Message);
        Assert.EndsWith("check that npm's configured registry answers (npm ping; npm config get registry) and the proxy and CA settings (npm config list).", silent.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "npm's retries are bounded");
    }
}
