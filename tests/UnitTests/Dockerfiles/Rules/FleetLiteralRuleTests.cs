using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class FleetLiteralRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check<FleetLiteralRule>(text, facts);

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
    [InlineData("\"${AGENT_PACKAGE}@${AGENT_VERSION}\"", "@openai/codex@${AGENT_VERSION}", 8, "agent.package", "AGENT_PACKAGE")]
    [InlineData("\"${AGENT_COMMAND}\" --version", "codex --version", 9, "agent.command", "AGENT_COMMAND")]
    [InlineData("\"${AGENT_COMMAND}\" --version", "/usr/local/bin/codex --version", 9, "agent.command", "AGENT_COMMAND")]
    [InlineData("\"${AGENT_COMMAND}\" --version", "fleet-check-version \"${AGENT_COMMAND}\" 0.130.0", 9, "agent.version", "AGENT_VERSION")]
    public void The_agent_comes_from_its_build_arguments(string from, string to, int line, string key, string arg)
    {
        var word = to.Split(' ')[to.StartsWith("fleet", StringComparison.Ordinal) ? 2 : 0];

        Assert.Equal([$"{Display}:{line}: '{word}' writes template.yaml {key} into the Dockerfile; use ${{{arg}}}, which the build passes [fleet-literal]"], Check(Edit(GoodTemplate, from, to)));
    }

    [Fact]
    public void Words_that_only_contain_a_name_are_not_it()
    {
        Assert.Empty(Check(WithStep("RUN CODEX_HOME=/tmp/codex-smoke /usr/local/bin/codex_auth_refresh.sh --once > /tmp/codex.log")));
    }
}
