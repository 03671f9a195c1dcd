using TemplateFleet.Fleet;
using TemplateFleet.Gates;

namespace UnitTests.Gates;

public sealed class CheckPatternsTests
{
    static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["AGENT_VERSION"] = "2.1.330",
        ["RUNTIME_VERSION"] = "1.0.0",
        ["ADAPTER"] = "claude-code",
    };

    [Fact]
    public void Placeholders_are_replaced_by_escaped_values()
    {
        var p = CheckPlaceholders.Expand(@"^${AGENT_VERSION} \(Claude Code\)$", Values, "x");
        Assert.Equal(@"^2\.1\.330 \(Claude Code\)$", p);
        Assert.Null(SmokeGate.Mismatch("stdout", p, "2.1.330 (Claude Code)\n"));
        // An unescaped "." would accept this.
        Assert.NotNull(SmokeGate.Mismatch("stdout", p, "2x1y330 (Claude Code)"));
    }

    [Fact]
    public void Unknown_placeholder_names_where_and_the_known_ones()
    {
        var e = Assert.Throws<FleetException>(() => CheckPlaceholders.Expand("${AGENT_VERSON}", Values, "templates/codex/template.yaml smoke.commands[cli-version].stdout"));
        Assert.Contains("templates/codex/template.yaml smoke.commands[cli-version].stdout: unknown placeholder ${AGENT_VERSON}", e.Message);
    }

    [Fact]
    public void A_placeholder_without_a_value_fails_instead_of_matching_anything()
    {
        var values = new Dictionary<string, string?> { ["RUNTIME_VERSION"] = null };
        Assert.Contains("has no value", Assert.Throws<FleetException>(() => CheckPlaceholders.Expand("${RUNTIME_VERSION}", values, "x")).Message);
    }

    [Fact]
    public void The_gate_has_a_value_for_every_placeholder_the_loader_accepts()
    {
        var template = new Template("codex", "/t/codex", "d", "codex-adapter", new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"), SmokeChecks.None);
        var values = CheckPlaceholders.ValuesFor(template, "1.0.0");
        Assert.Equal(CheckPlaceholders.Names.Order(), values.Keys.Order());
        var all = string.Concat(CheckPlaceholders.Names.Select(n => $"${{{n}}}"));
        Assert.Empty(CheckPlaceholders.Unknown(all));
        Assert.Equal(@"0\.130\.01\.0\.0codex-adapter", CheckPlaceholders.Expand(all, values, "x"));
    }

    [Fact]
    public void Mismatch_shows_pattern_and_output() =>
        Assert.Equal("stdout does not match /^agent$/ (got: root)", SmokeGate.Mismatch("stdout", "^agent$", "root\n"));

    [Fact]
    public void Command_judge_names_rc_127_as_not_found()
    {
        var reason = SmokeGate.JudgeCommand(1, "skip:no_auth_json", null, new ExecOutcome(127, "", "python3.11: not found", false, TimeSpan.Zero));
        Assert.Contains("expected exit 1, got 127 (command not found", reason);
        Assert.Contains("stdout does not match /skip:no_auth_json/ (got: nothing)", reason);
    }
}
