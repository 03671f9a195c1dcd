using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;

namespace UnitTests.Pins;

/// <summary>No run writes a pin older than the one it replaces: runtime, agent and upstream versions, each by its own order.</summary>
public sealed class PinOrderTests
{
    const string File = "templates/codex/pin.json";

    static VersionScheme? SchemeOf(string input) => input switch
    {
        "codex" or "node" or "npm" => VersionScheme.Npm,
        "hermes" => VersionScheme.Pep440,
        "docker-cli" => VersionScheme.Debian,
        "debian-security" => VersionScheme.Date,
        _ => null,
    };

    static Pin PinOf(string template, string? runtime = "1.2.0", string? agent = "0.172.0", Dictionary<string, string>? upstream = null) => new()
    {
        Template = template,
        Image = $"127.0.0.1:5000/molecule-fleet/{template}",
        Digest = "sha256:" + new string('a', 64),
        RuntimeVersion = runtime is null ? null : Pep440Version.Parse(runtime),
        AgentVersion = agent,
        Upstream = upstream,
        Revision = "c0ffee1",
        PublishedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void The_same_versions_newer_ones_and_a_first_pin_are_written()
    {
        PinFile.CheckOrder(File, null, PinOf("codex"), SchemeOf);
        PinFile.CheckOrder(File, PinOf("codex"), PinOf("codex"), SchemeOf);
        // 0.99.0 → 0.130.0 is forward by SemVer, backward as text
        PinFile.CheckOrder(File, PinOf("codex", runtime: "1.2.0", agent: "0.99.0"), PinOf("codex", runtime: "1.10.0", agent: "0.130.0"), SchemeOf);
        PinFile.CheckOrder("templates/base/pin.json",
            PinOf("base", null, null, new() { ["node"] = "24.21.0", ["docker-cli"] = "26.1.5+dfsg1-9+deb13u1", ["debian-security"] = "2026-12-01" }),
            PinOf("base", null, null, new() { ["node"] = "24.22.3", ["docker-cli"] = "26.1.5+dfsg1-9+deb13u1+b1", ["debian-security"] = "2026-12-05", ["npm"] = "11.21.3" }), SchemeOf);
    }

    [Fact]
    public void A_pin_older_than_the_one_it_replaces_is_refused_in_one_line_naming_the_file_each_version_and_what_to_do()
    {
        var runtime = Assert.Throws<FleetException>(() => PinFile.CheckOrder(File, PinOf("codex", runtime: "1.10.0"), PinOf("codex", runtime: "1.9.0"), SchemeOf)).Message;
        var agent = Assert.Throws<FleetException>(() => PinFile.CheckOrder(File, PinOf("codex", agent: "0.172.0"), PinOf("codex", agent: "0.171.0"), SchemeOf)).Message;
        var hermes = Assert.Throws<FleetException>(() => PinFile.CheckOrder("templates/hermes/pin.json", PinOf("hermes", agent: "0.10.0"), PinOf("hermes", agent: "0.9.0"), SchemeOf)).Message;
        var upstream = Assert.Throws<FleetException>(() => PinFile.CheckOrder("templates/base/pin.json",
            PinOf("base", null, null, new() { ["node"] = "24.22.3", ["docker-cli"] = "26.1.5+dfsg1-9+deb13u1+b1" }),
            PinOf("base", null, null, new() { ["node"] = "24.21.0", ["docker-cli"] = "26.1.5+dfsg1-9+deb13u1" }), SchemeOf)).Message;

        Assert.StartsWith($"{File}: this run would replace the pin with an older one (runtime 1.10.0 → 1.9.0); nothing was pushed or written.", runtime);
        Assert.Contains("(codex 0.172.0 → 0.171.0)", agent);
        Assert.Contains("(hermes 0.10.0 → 0.9.0)", hermes);
        Assert.StartsWith("templates/base/pin.json: this run would replace the pin with an older one (docker-cli 26.1.5+dfsg1-9+deb13u1+b1 → 26.1.5+dfsg1-9+deb13u1, node 24.22.3 → 24.21.0)", upstream);
        Assert.All(new[] { runtime, agent, hermes, upstream }, m =>
        {
            Assert.DoesNotContain('\n', m);
            Assert.Contains("update it (git pull", m);
        });
    }
}
