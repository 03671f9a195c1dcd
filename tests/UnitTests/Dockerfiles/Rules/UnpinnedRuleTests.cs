using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class UnpinnedRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check<UnpinnedRule>(text, facts);

    [Theory]
    [InlineData("${AGENT_PACKAGE}", "npm install -g ${AGENT_PACKAGE} has no version, so every build may get a different CLI")]
    [InlineData("${AGENT_PACKAGE}@latest", "npm install -g ${AGENT_PACKAGE}@latest is not pinned to one exact version")]
    [InlineData("${AGENT_PACKAGE}@^0.130.0", "npm install -g ${AGENT_PACKAGE}@^0.130.0 is not pinned to one exact version")]
    [InlineData("${AGENT_PACKAGE}@~0.130", "npm install -g ${AGENT_PACKAGE}@~0.130 is not pinned to one exact version")]
    [InlineData("${AGENT_PACKAGE}@0.130.x", "npm install -g ${AGENT_PACKAGE}@0.130.x is not pinned to one exact version")]
    public void Agent_cli_must_be_pinned_exactly(string spec, string expected)
    {
        var text = Edit(GoodTemplate, "\"${AGENT_PACKAGE}@${AGENT_VERSION}\"", $"\"{spec}\"");

        Assert.Equal([$"{Display}:8: {expected}; install \"${{AGENT_PACKAGE}}@${{AGENT_VERSION}}\" with `ARG AGENT_VERSION` declared (no default) above it [unpinned]"], Check(text));
    }

    [Fact]
    public void A_pip_agent_without_a_version_is_told_the_pip_spelling()
    {
        var text = Edit(GoodTemplate, "npm install -g --no-fund \"${AGENT_PACKAGE}@${AGENT_VERSION}\"", "pip install \"${AGENT_PACKAGE}\"");

        Assert.Equal([$"{Display}:8: pip install ${{AGENT_PACKAGE}} is not pinned with == to one exact version; install \"${{AGENT_PACKAGE}}==${{AGENT_VERSION}}\" with `ARG AGENT_VERSION` declared (no default) above it [unpinned]"], Check(text, Hermes));
    }

    [Fact]
    public void Other_global_npm_packages_must_be_pinned_too()
    {
        var finding = Assert.Single(Check(WithStep("RUN npm i --global typescript@5")));

        Assert.Equal($"{Display}:{StepLine}: npm install -g typescript@5 is not pinned to one exact version; pin one release, e.g. typescript@1.2.3 [unpinned]", finding);
    }

    [Fact]
    public void A_pin_through_an_own_arg_must_default_to_an_exact_version()
    {
        Assert.Empty(Check(WithStep("ARG TS_VERSION=5.4.2\nRUN npm i -g typescript@${TS_VERSION}")));
        Assert.Equal(
            [$"{Display}:{StepLine}: ARG TS_VERSION defaults to '5', which is not one exact version; pin one release, e.g. typescript@1.2.3 [unpinned]"],
            Check(WithStep("ARG TS_VERSION=5\nRUN npm i -g typescript@${TS_VERSION}")));
        Assert.Equal(
            [$"{Display}:{StepLine}: npm install -g typescript@${{TS_VERSION}} uses ${{TS_VERSION}} but no `ARG TS_VERSION` is declared, so it is empty; declare it with one exact version as its default, or pin one release, e.g. typescript@1.2.3 [unpinned]"],
            Check(WithStep("RUN npm i -g typescript@${TS_VERSION}")));
    }

    [Theory]
    [InlineData("requests", "pip install requests is not pinned with == to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("'requests>=2.0'", "pip install requests>=2.0 is not pinned with == to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("requests==2.*", "pip install requests==2.* is not pinned to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("--upgrade pip", "pip install pip is not pinned with == to one exact version; pin one release, e.g. pip==1.2.3")]
    public void Pip_packages_must_be_pinned_exactly(string args, string expected)
    {
        Assert.Equal([$"{Display}:{StepLine}: {expected} [unpinned]"], Check(WithStep($"RUN pip3 install --no-cache-dir {args}")));
    }

    [Fact]
    public void The_runtime_is_told_its_build_arguments()
    {
        var findings = Gate.Check(Edit(GoodTemplate, "==${RUNTIME_VERSION}", ">=1"));

        Assert.Contains($"{Display}:19: pip install ${{RUNTIME_PACKAGE}}>=1 is not pinned with == to one exact version; install \"${{RUNTIME_PACKAGE}}==${{RUNTIME_VERSION}}\" [unpinned]", findings);
    }

    [Fact]
    public void Pip_requirements_local_paths_and_exact_pins_pass()
    {
        Assert.Empty(Check(WithStep("RUN python3 -m pip install -r requirements.txt /app/adapter 'requests[socks]==2.31.0' ./wheels/x-1.0-py3-none-any.whl")));
    }
}
