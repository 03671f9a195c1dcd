using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class AgentInstallRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check("agent-install", text, facts);

    private const string Copy = "COPY agent/ /opt/fleet-agent/\n";
    private const string Install = "RUN fleet-install-agent \"${AGENT_PACKAGE}\" \"${AGENT_VERSION}\" \"${AGENT_COMMAND}\"\n";
    private static readonly string How = "`ARG AGENT_PACKAGE`, `ARG AGENT_VERSION`, `ARG AGENT_COMMAND`, `COPY agent/ /opt/fleet-agent/` and `RUN fleet-install-agent \"${AGENT_PACKAGE}\" \"${AGENT_VERSION}\" \"${AGENT_COMMAND}\"`";

    [Fact]
    public void The_agent_must_be_installed_from_its_lock()
    {
        var text = Edit(GoodTemplate, Copy + Install, "");

        Assert.Equal([$"{Display}:3: the agent CLI @openai/codex (template.yaml agent.package) is never installed from its lock; add {How} [agent-install]"], Check(text));
        Assert.Equal([$"{Display}:3: the agent CLI hermes-agent (template.yaml agent.package) is never installed from its lock; add {How} [agent-install]"], Check(text, Hermes));
        Assert.Empty(Check(GoodTemplate));
        Assert.Empty(Check(GoodTemplate, Hermes)); // one script for both installers: the lock in the folder decides
    }

    [Theory]
    [InlineData("RUN npm install -g --no-fund \"${AGENT_PACKAGE}@${AGENT_VERSION}\" && \"${AGENT_COMMAND}\" --version\n", "npm install -g")]
    [InlineData("RUN npm install --global \"@openai/codex@${AGENT_VERSION}\" && \"${AGENT_COMMAND}\" --version\n", "npm install -g")]
    public void An_npm_install_of_the_agent_is_refused_even_pinned(string install, string with)
    {
        var text = Edit(GoodTemplate, Copy + Install, Copy + Install + install);

        var findings = Gate.Check(text).Where(f => f.EndsWith("[agent-install]", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{Display}:10: this RUN installs the agent with `{with}`, not from its lock, so the packages below it resolve afresh on every build; install it with {How} (templates/codex/agent/ holds the lock: ./build.sh Lock writes it) [agent-install]"], findings);
    }

    [Fact]
    public void A_pip_install_of_the_agent_is_refused_even_pinned()
    {
        var text = Edit(GoodTemplate, Copy + Install, Copy + Install + "RUN /opt/venv/bin/pip install \"Hermes_Agent==${AGENT_VERSION}\"\n");

        var findings = Gate.Check(text, Hermes).Where(f => f.EndsWith("[agent-install]", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{Display}:10: this RUN installs the agent with `pip install`, not from its lock, so the packages below it resolve afresh on every build; install it with {How} (templates/codex/agent/ holds the lock: ./build.sh Lock writes it) [agent-install]"], findings);
    }

    [Fact]
    public void The_lock_is_copied_before_the_install()
    {
        Assert.Equal([$"{Display}:8: fleet-install-agent installs from the lock in /opt/fleet-agent/, but no `COPY agent/ /opt/fleet-agent/` above it in this stage puts the lock there [agent-install]"],
            Check(Edit(GoodTemplate, Copy + Install, Install + "COPY adapter.py /app/\n")));
        Assert.Equal([$"{Display}:9: fleet-install-agent installs from the lock in /opt/fleet-agent/, but no `COPY agent/ /opt/fleet-agent/` above it in this stage puts the lock there [agent-install]"],
            Check(Edit(GoodTemplate, Copy, "COPY agent/ /opt/elsewhere/\n")));
        // The lock files named one by one are the same copy.
        Assert.Empty(Check(Edit(GoodTemplate, Copy, "COPY --chown=0:0 agent/package.json agent/package-lock.json /opt/fleet-agent/\n")));
    }

    [Theory]
    [InlineData("fleet-install-agent \"${AGENT_PACKAGE}\" \"${AGENT_VERSION}\"")]
    [InlineData("fleet-install-agent \"@openai/codex\" \"${AGENT_VERSION}\" \"${AGENT_COMMAND}\"")]
    [InlineData("fleet-install-agent \"${AGENT_PACKAGE}\" 0.130.0 \"${AGENT_COMMAND}\"")]
    public void The_script_takes_exactly_the_agents_build_arguments(string call)
    {
        var findings = Gate.Check(Edit(GoodTemplate, Install, $"RUN {call}\n")).Where(f => f.EndsWith("[agent-install]", StringComparison.Ordinal)).ToList();

        Assert.Equal([$"{Display}:9: `{call.Replace("\"", "", StringComparison.Ordinal)}` must take exactly the agent's build arguments: `fleet-install-agent \"${{AGENT_PACKAGE}}\" \"${{AGENT_VERSION}}\" \"${{AGENT_COMMAND}}\"`, so template.yaml agent is the one place the agent is described [agent-install]"], findings);
    }

    [Fact]
    public void The_base_installs_no_agent()
    {
        Assert.Empty(Check(GoodBase, Base));
    }
}
