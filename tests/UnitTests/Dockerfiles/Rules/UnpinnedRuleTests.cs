using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class UnpinnedRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check("unpinned", text, facts);

    [Theory]
    [InlineData("RUN npm install -g \"${AGENT_PACKAGE}\"")]
    [InlineData("RUN npm install -g \"${AGENT_PACKAGE}@^0.130.0\"")]
    [InlineData("RUN pip install \"${AGENT_PACKAGE}\"")]
    public void An_agent_installed_past_its_lock_is_the_agent_install_rules_finding_alone(string step)
    {
        var findings = Gate.Check(WithStep(step), step.Contains("pip", StringComparison.Ordinal) ? Hermes : Codex);

        Assert.Single(findings);
        Assert.EndsWith("[agent-install]", findings[0]);
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
