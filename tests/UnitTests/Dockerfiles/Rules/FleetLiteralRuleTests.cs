using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class FleetLiteralRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check("fleet-literal", text, facts);

    [Fact]
    public void The_runtime_package_comes_from_its_build_argument()
    {
        var text = Edit(GoodTemplate, "\"${RUNTIME_PACKAGE}==", "\"molecule_ai_workspace_runtime==");

        Assert.Equal([$"{Display}:19: 'molecule_ai_workspace_runtime' writes fleet.yaml runtime.package into the Dockerfile; use ${{RUNTIME_PACKAGE}}, which the build passes [fleet-literal]"], Check(text));
    }

    [Fact]
    public void The_base_gets_no_runtime_to_write_out()
    {
        var findings = Gate.Check(GoodBase + "\nARG RUNTIME_VERSION\nRUN pip install \"molecule-ai-workspace-runtime==${RUNTIME_VERSION}\"", Base);

        Assert.Contains($"{Display}:12: 'molecule-ai-workspace-runtime' writes fleet.yaml runtime.package into the Dockerfile; the runtime belongs in the templates' last layer, which get it as ${{RUNTIME_PACKAGE}} [fleet-literal]", findings);
    }

    [Theory]
    [InlineData("RUN ls /opt/fleet-agent/node_modules/@openai/codex", "agent.package", "AGENT_PACKAGE")]
    [InlineData("RUN codex --version", "agent.command", "AGENT_COMMAND")]
    [InlineData("RUN /usr/local/bin/codex --version", "agent.command", "AGENT_COMMAND")]
    [InlineData("RUN fleet-check-version \"${AGENT_COMMAND}\" 0.130.0", "agent.version", "AGENT_VERSION")]
    public void The_agent_comes_from_its_build_arguments(string step, string key, string arg)
    {
        var word = key switch
        {
            "agent.package" => "@openai/codex",
            "agent.version" => "0.130.0",
            _ => step.Split(' ')[1],
        };
        var text = key == "agent.package" ? WithStep("RUN echo @openai/codex") : WithStep(step);

        Assert.Equal([$"{Display}:{StepLine}: '{word}' writes template.yaml {key} into the Dockerfile; use ${{{arg}}}, which the build passes [fleet-literal]"], Check(text));
    }

    [Fact]
    public void Words_that_only_contain_a_name_are_not_it()
    {
        Assert.Empty(Check(WithStep("RUN CODEX_HOME=/tmp/codex-smoke /usr/local/bin/codex_auth_refresh.sh --once > /tmp/codex.log")));
    }
}
