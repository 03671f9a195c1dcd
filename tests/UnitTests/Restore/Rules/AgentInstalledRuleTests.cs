using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class AgentInstalledRuleTests
{
    [Fact]
    public void The_agent_package_must_be_installed()
    {
        var text = Edit(GoodTemplate, "RUN npm install -g --no-fund \"@openai/codex@${AGENT_VERSION}\" \\\n && codex --version\n", "");

        Assert.Equal([$"{Display}:3: the agent CLI @openai/codex (template.yaml agent.package) is never installed; add `ARG AGENT_VERSION` and `RUN npm install -g @openai/codex@${{AGENT_VERSION}}` [agent-not-installed]"], Check<AgentInstalledRule>(text));
    }

    [Fact]
    public void A_pip_agent_is_found_by_its_normalised_name()
    {
        var text = Edit(GoodTemplate, "npm install -g --no-fund \"@openai/codex@${AGENT_VERSION}\"", "/opt/venv/bin/pip install \"Hermes_Agent==${AGENT_VERSION}\"");

        Assert.Empty(Check(text, Hermes));
        Assert.Contains("the agent CLI hermes-agent (template.yaml agent.package) is never installed", Assert.Single(Check<AgentInstalledRule>(GoodTemplate, Hermes)));
    }
}
