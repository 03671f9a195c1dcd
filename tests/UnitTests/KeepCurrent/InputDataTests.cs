using System.Text.RegularExpressions;
using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;
using UnitTests.Fleet;

namespace UnitTests.KeepCurrent;

/// <summary>The inputs as the fleet data declares them: one per agent and one per fleet-wide input, each with its policy and where its version lives.</summary>
public sealed class InputDataTests : IDisposable
{
    readonly TempRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    IReadOnlyList<UpstreamInput> Inputs()
    {
        var config = FleetLoader.LoadFleet(_repo.Root);
        return UpstreamInputs.Of(config, FleetLoader.LoadTemplates(config, config.TemplateNames));
    }

    [Fact]
    public void Every_input_of_the_repository_is_declared_once_with_its_source_and_where_its_version_lives()
    {
        var inputs = UpstreamInputs.Of(FleetLoader.LoadFleet(TempRepo.RealRoot), FleetLoader.LoadTemplates(FleetLoader.LoadFleet(TempRepo.RealRoot), ["claude-code", "codex", "hermes", "openclaw"]));

        Assert.Equal(["claude-code", "codex", "hermes", "openclaw", "node", "npm", "docker-cli", "debian-security", "runtime"], inputs.Select(i => i.Name));
        Assert.Equal([InputSource.Npm, InputSource.Npm, InputSource.PackageIndex, InputSource.Npm, InputSource.Npm, InputSource.Npm, InputSource.Debian, InputSource.SecurityArchive, InputSource.PackageIndex],
            inputs.Select(i => i.Source));
        Assert.Equal("templates/codex/template.yaml agent.version", inputs.Single(i => i.Name == "codex").Data.ToString());
        Assert.Equal("templates/fleet.yaml base.node.version", inputs.Single(i => i.Name == "node").Data.ToString());
        Assert.Equal("trixie", inputs.Single(i => i.Name == "docker-cli").Suite);
        Assert.Equal("bookworm", inputs.Single(i => i.Name == "debian-security").Suite);
        Assert.All(inputs.Where(i => i.Name != "runtime"), i => Assert.NotNull(i.Current));
        Assert.Equal(TimeSpan.FromDays(3), inputs.Single(i => i.Name == "codex").Policy.MinimumReleaseAge);
        Assert.Equal(TimeSpan.Zero, inputs.Single(i => i.Name == "runtime").Policy.MinimumReleaseAge);
    }

    [Fact]
    public void An_agents_policy_refines_the_fleets_defaults()
    {
        _repo.Replace("templates/fleet.yaml", "    minimumReleaseAge: 3d ", "    minimumReleaseAge: 5d ");
        _repo.Replace("templates/codex/template.yaml", "  command: codex\n", "  command: codex\n  policy:\n    allowMajor: true\n    skip:\n      - version: 0.172.0\n        reason: its --version line changed\n");

        var codex = Inputs().Single(i => i.Name == "codex").Policy;
        Assert.True(codex.AllowMajor);
        Assert.Equal(TimeSpan.FromDays(5), codex.MinimumReleaseAge);
        Assert.Equal("its --version line changed", codex.Skipped("0.172.0")!.Reason);
        Assert.False(Inputs().Single(i => i.Name == "claude-code").Policy.AllowMajor);
    }

    [Fact]
    public void Policy_mistakes_name_file_line_and_key()
    {
        _repo.Replace("templates/codex/template.yaml", "  command: codex\n", "  command: codex\n  policy:\n    minimumReleaseAge: 3 days\n    skip:\n      - version: 0.172.0\n");
        _repo.Replace("templates/fleet.yaml", "  runtime:                          # the runtime's own", "  rutnime:                          # the runtime's own");

        var fleet = Assert.Throws<FleetException>(() => FleetLoader.LoadFleet(_repo.Root)).Message;
        Assert.Contains("templates/fleet.yaml:", fleet);
        Assert.Contains("unknown key 'rutnime' in 'inputs' (expected one of: defaults, retakeAfter, node, npm, docker-cli, debian-security, runtime)", fleet);

        _repo.Replace("templates/fleet.yaml", "  rutnime:", "  runtime:");
        var template = Assert.Throws<FleetException>(() => FleetLoader.LoadTemplate(FleetLoader.LoadFleet(_repo.Root), "codex")).Message;
        Assert.Contains("templates/codex/template.yaml:9:24: 'agent.policy.minimumReleaseAge' must be an age such as 3d, 12h, 30m or 0, got '3 days'", template);
        Assert.Contains("templates/codex/template.yaml:11:9: missing required key 'reason' in 'agent.policy.skip[0]'", template);
    }

    [Fact]
    public void The_retake_time_is_data_and_must_outlast_the_longest_run()
    {
        Assert.Equal(TimeSpan.FromHours(6), FleetLoader.LoadFleet(TempRepo.RealRoot).Inputs.RetakeAfter);
        _repo.Replace("templates/fleet.yaml", "  retakeAfter: 6h ", "  retakeAfter: 9h ");
        Assert.Equal(TimeSpan.FromHours(9), FleetLoader.LoadFleet(_repo.Root).Inputs.RetakeAfter);

        foreach (var value in new[] { "4h", "270m", "soon" })
        {
            _repo.Write("templates/fleet.yaml", Regex.Replace(_repo.Read("templates/fleet.yaml"), "(?m)^  retakeAfter: \\S+", "  retakeAfter: " + value));
            var line = Array.FindIndex(_repo.Read("templates/fleet.yaml").Split('\n'), l => l.StartsWith("  retakeAfter:", StringComparison.Ordinal)) + 1;
            var message = Assert.Throws<FleetException>(() => FleetLoader.LoadFleet(_repo.Root)).Message;
            Assert.Contains($"templates/fleet.yaml:{line}:16: 'inputs.retakeAfter' must be an age longer than 270m, the longest a bump or cascade run may take (its jobs' timeout-minutes), such as 6h; got '{value}'", message);
        }
    }

    [Fact]
    public void A_template_may_not_take_a_fleet_inputs_name()
    {
        _repo.Replace("templates/fleet.yaml", "templates: [claude-code, codex, hermes, openclaw]", "templates: [claude-code, codex, hermes, openclaw, node]");
        _repo.Write("templates/node/template.yaml", "x: 1\n");

        Assert.Contains("template name 'node' is the name of a fleet-wide input", Assert.Throws<FleetException>(() => FleetLoader.LoadFleet(_repo.Root)).Message);
    }

    [Fact]
    public void Bump_changes_one_value_and_every_other_byte_stays()
    {
        var before = _repo.Read("templates/fleet.yaml");
        var node = FleetLoader.LoadFleet(_repo.Root).Base.Node.Version;

        var old = DataEdit.Set(_repo.PathOf("templates/fleet.yaml"), ["base", "node", "version"], "24.99.1", "templates/fleet.yaml");

        Assert.Equal(node, old);
        Assert.Equal(before.Replace($"    version: {node}\n", "    version: 24.99.1\n", StringComparison.Ordinal), _repo.Read("templates/fleet.yaml"));
        var codex = _repo.Read("templates/codex/template.yaml");
        var agent = FleetLoader.LoadTemplate(FleetLoader.LoadFleet(_repo.Root), "codex").Agent.Version;
        DataEdit.Set(_repo.PathOf("templates/codex/template.yaml"), ["agent", "version"], "0.999.0", "templates/codex/template.yaml");
        Assert.Equal(codex.Replace($"  version: {agent}\n", "  version: 0.999.0\n", StringComparison.Ordinal), _repo.Read("templates/codex/template.yaml"));
        Assert.Equal("0.999.0", FleetLoader.LoadTemplate(FleetLoader.LoadFleet(_repo.Root), "codex").Agent.Version);
        Assert.Contains("has no base.os.nothing to change", Assert.Throws<KeepCurrentException>(() => DataEdit.Set(_repo.PathOf("templates/fleet.yaml"), ["base", "os", "nothing"], "x", "templates/fleet.yaml")).Message);
    }
}
