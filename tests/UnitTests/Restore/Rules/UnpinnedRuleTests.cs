using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class UnpinnedRuleTests
{
    private static IReadOnlyList<string> Check(string text) => Gate.Check<UnpinnedRule>(text);

    [Theory]
    [InlineData("@openai/codex", "npm install -g @openai/codex has no version, so every build may get a different CLI")]
    [InlineData("@openai/codex@latest", "npm install -g @openai/codex@latest is not pinned to one exact version")]
    [InlineData("@openai/codex@^0.130.0", "npm install -g @openai/codex@^0.130.0 is not pinned to one exact version")]
    [InlineData("@openai/codex@~0.130", "npm install -g @openai/codex@~0.130 is not pinned to one exact version")]
    [InlineData("@openai/codex@0.130.x", "npm install -g @openai/codex@0.130.x is not pinned to one exact version")]
    public void Agent_cli_must_be_pinned_exactly(string spec, string expected)
    {
        var text = Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\"", spec);

        Assert.Equal([$"{Display}:6: {expected}; install @openai/codex@${{AGENT_VERSION}} with `ARG AGENT_VERSION` declared (no default) above it [unpinned]"], Check(text));
    }

    [Fact]
    public void Other_global_npm_packages_must_be_pinned_too()
    {
        var finding = Assert.Single(Check(GoodTemplate + "\nRUN npm i --global typescript@5\n"));

        Assert.Equal($"{Display}:17: npm install -g typescript@5 is not pinned to one exact version; pin one release, e.g. typescript@1.2.3 [unpinned]", finding);
    }

    [Fact]
    public void Agent_version_arg_must_have_no_default_and_must_be_declared()
    {
        Assert.Equal(
            [$"{Display}:5: ARG AGENT_VERSION has a default ('0.130.0'); remove it so the build must pass template.yaml's agent.version [unpinned]"],
            Check(Edit(GoodTemplate, "ARG AGENT_VERSION\n", "ARG AGENT_VERSION=0.130.0\n")));
        Assert.Equal(
            [$"{Display}:5: @openai/codex@${{AGENT_VERSION}} uses ${{AGENT_VERSION}} but `ARG AGENT_VERSION` is not declared in this stage above this RUN, so it is empty; declare it [unpinned]"],
            Check(Edit(GoodTemplate, "ARG AGENT_VERSION\n", "")));
    }

    [Fact]
    public void A_literal_agent_version_must_match_template_yaml()
    {
        var text = Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\"", "@openai/codex@0.129.0");

        Assert.Contains($"{Display}:6: npm install -g @openai/codex@0.129.0 differs from template.yaml agent.version 0.130.0", Assert.Single(Check(text)));
    }

    [Theory]
    [InlineData("requests", "pip install requests is not pinned with == to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("'requests>=2.0'", "pip install requests>=2.0 is not pinned with == to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("requests==2.*", "pip install requests==2.* is not pinned to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("--upgrade pip", "pip install pip is not pinned with == to one exact version; pin one release, e.g. pip==1.2.3")]
    public void Pip_packages_must_be_pinned_exactly(string args, string expected)
    {
        Assert.Equal([$"{Display}:17: {expected} [unpinned]"], Check(GoodTemplate + $"\nRUN pip3 install --no-cache-dir {args}\n"));
    }

    [Fact]
    public void Pip_requirements_local_paths_and_exact_pins_pass()
    {
        Assert.Empty(Check(GoodTemplate + "\nRUN python3 -m pip install -r requirements.txt /app/adapter 'requests[socks]==2.31.0' ./wheels/x-1.0-py3-none-any.whl\n"));
    }
}
