using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class AgentInstallRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check<AgentInstallRule>(text, facts);

    private const string Install = "RUN npm install -g --no-fund \"${AGENT_PACKAGE}@${AGENT_VERSION}\" \\\n && \"${AGENT_COMMAND}\" --version\n";

    [Fact]
    public void The_agent_package_must_be_installed()
    {
        var text = Edit(GoodTemplate, Install, "");

        Assert.Equal([$"{Display}:3: the agent CLI @openai/codex (template.yaml agent.package) is never installed; add `ARG AGENT_PACKAGE`, `ARG AGENT_VERSION`, `ARG AGENT_COMMAND` and `RUN npm install -g \"${{AGENT_PACKAGE}}@${{AGENT_VERSION}}\" && fleet-check-version \"${{AGENT_COMMAND}}\" \"${{AGENT_VERSION}}\"` [agent-install]"], Check(text));
        Assert.Equal([$"{Display}:3: the agent CLI hermes-agent (template.yaml agent.package) is never installed; add `ARG AGENT_PACKAGE`, `ARG AGENT_VERSION`, `ARG AGENT_COMMAND` and `RUN pip install \"${{AGENT_PACKAGE}}==${{AGENT_VERSION}}\" && fleet-check-version \"${{AGENT_COMMAND}}\" \"${{AGENT_VERSION}}\"` [agent-install]"], Check(text, Hermes));
    }

    [Fact]
    public void The_installer_is_the_one_template_yaml_names()
    {
        var pip = Edit(GoodTemplate, "npm install -g --no-fund \"${AGENT_PACKAGE}@${AGENT_VERSION}\"", "/opt/venv/bin/pip install \"${AGENT_PACKAGE}==${AGENT_VERSION}\"");

        Assert.Empty(Check(pip, Hermes));
        Assert.Equal([$"{Display}:8: this RUN installs the agent with npm, but template.yaml agent.installer is pip; install it with `pip install \"${{AGENT_PACKAGE}}==${{AGENT_VERSION}}\"` [agent-install]"], Check(GoodTemplate, Hermes));
        Assert.Equal([$"{Display}:8: this RUN installs the agent with pip, but template.yaml agent.installer is npm; install it with `npm install -g \"${{AGENT_PACKAGE}}@${{AGENT_VERSION}}\"` [agent-install]"], Check(pip));
    }

    [Fact]
    public void A_pip_agent_written_out_is_found_by_its_normalised_name()
    {
        var text = Edit(GoodTemplate, "npm install -g --no-fund \"${AGENT_PACKAGE}@${AGENT_VERSION}\"", "/opt/venv/bin/pip install \"Hermes_Agent==${AGENT_VERSION}\"");

        // Installed (no "never installed"); the name written out is fleet-literal's finding.
        Assert.Equal(
            [$"{Display}:8: 'Hermes_Agent==${{AGENT_VERSION}}' writes template.yaml agent.package into the Dockerfile; use ${{AGENT_PACKAGE}}, which the build passes [fleet-literal]"],
            Gate.Check(text, Hermes));
    }

    [Theory]
    [InlineData("${AGENT_PACKAGE}@0.129.0")]
    [InlineData("${AGENT_PACKAGE}@0.130.0")]
    [InlineData("${AGENT_PACKAGE}@${CODEX_VERSION}")]
    public void The_version_comes_from_agent_version_even_when_it_is_the_same(string spec)
    {
        var text = Edit(Edit(GoodTemplate, "\"${AGENT_PACKAGE}@${AGENT_VERSION}\"", $"\"{spec}\""), "ARG AGENT_COMMAND\n", "ARG AGENT_COMMAND\nARG CODEX_VERSION=0.130.0\n");

        Assert.Equal([$"{Display}:9: '{spec}' does not take its version from ${{AGENT_VERSION}}; install \"${{AGENT_PACKAGE}}@${{AGENT_VERSION}}\" so template.yaml agent.version is the one place the version lives [agent-install]"], Check(text));
    }

    [Fact]
    public void The_install_runs_the_cli_it_installed()
    {
        var text = Edit(GoodTemplate, " \\\n && \"${AGENT_COMMAND}\" --version", "");

        Assert.Equal([$"{Display}:8: this RUN installs the agent CLI but never runs it; end it with `fleet-check-version \"${{AGENT_COMMAND}}\" \"${{AGENT_VERSION}}\"` so a broken install fails the build, not the gates [agent-install]"], Check(text));
        Assert.Empty(Check(Edit(text, "${AGENT_VERSION}\"\n", "${AGENT_VERSION}\" \\\n && fleet-check-version \"${AGENT_COMMAND}\" \"${AGENT_VERSION}\"\n")));
    }

    [Fact]
    public void The_base_installs_no_agent()
    {
        Assert.Empty(Check(GoodBase, Base));
    }
}
