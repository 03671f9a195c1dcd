using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class BuildArgRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check("build-arg", text, facts);

    [Fact]
    public void An_argument_the_build_passes_has_no_default()
    {
        Assert.Equal(
            [$"{Display}:6: ARG AGENT_VERSION has a default ('0.130.0'); remove it: the build passes AGENT_VERSION (template.yaml agent.version), and a build without it must fail, not use this copy [build-arg]"],
            Check(Edit(GoodTemplate, "ARG AGENT_VERSION\n", "ARG AGENT_VERSION=0.130.0\n")));
        Assert.Equal(
            [$"{Display}:2: ARG BASE_IMAGE has a default ('molecule-fleet/base:latest'); remove it: the build passes BASE_IMAGE (the id of the base image the build made first), and a build without it must fail, not use this copy [build-arg]"],
            Check(Edit(GoodTemplate, "ARG BASE_IMAGE\n", "ARG BASE_IMAGE=molecule-fleet/base:latest\n")));
        Assert.Equal(
            [$"{Display}:7: ARG NODE_VERSION has a default ('24'); remove it: the build passes NODE_VERSION (fleet.yaml base.node.version), and a build without it must fail, not use this copy [build-arg]"],
            Check(Edit(GoodBase, "ARG NODE_VERSION\n", "ARG NODE_VERSION=24\n"), Base));
    }

    [Fact]
    public void An_argument_used_in_a_run_is_declared_in_its_stage_above_it()
    {
        Assert.Equal(
            [$"{Display}:8: this RUN uses ${{AGENT_VERSION}} but `ARG AGENT_VERSION` is not declared in this stage above it, so it is empty; declare it (the build passes it: template.yaml agent.version) [build-arg]"],
            Check(Edit(GoodTemplate, "ARG AGENT_VERSION\n", "")));
        Assert.Equal(
            [$"{Display}:9: this RUN uses ${{AGENT_PACKAGE}}, but `ARG AGENT_PACKAGE` is only declared before FROM, which does not reach RUN; declare `ARG AGENT_PACKAGE` again after FROM, above this RUN [build-arg]"],
            Check(Edit(Edit(GoodTemplate, "ARG AGENT_PACKAGE\n", ""), "ARG BASE_IMAGE\n", "ARG BASE_IMAGE\nARG AGENT_PACKAGE\n")));
        Assert.Equal(
            [$"{Display}:16: this RUN uses ${{PIP_INDEX_URL}} before `ARG PIP_INDEX_URL` (line 21), so it is empty here; move the ARG above this RUN [build-arg]"],
            Check(Edit(GoodTemplate, "ARG PIP_INDEX_URL\n", "") + "\nARG PIP_INDEX_URL\n"));
    }

    [Fact]
    public void Environment_and_shell_variables_are_not_build_arguments()
    {
        Assert.Empty(Check(WithStep("RUN out=\"$(id -u)\"; echo \"${out} $HOME ${PATH}\"")));
    }

    [Fact]
    public void An_arg_the_build_never_passes_is_always_empty()
    {
        Assert.Equal(
            [$"{Display}:{StepLine}: ARG AGENT_VERISON is not a build argument the fleet passes here (BASE_IMAGE, AGENT_PACKAGE, AGENT_VERSION, AGENT_COMMAND, RUNTIME_PACKAGE, RUNTIME_VERSION, PIP_INDEX_URL, NODE_EXTRA_CA_CERTS, PIP_CERT), so it is always empty; use one of those, or give it a default [build-arg]"],
            Check(WithStep("ARG AGENT_VERISON")));
        Assert.Empty(Check(WithStep("ARG DEBIAN_FRONTEND=noninteractive")));
        Assert.Equal(
            [$"{Display}:11: ARG RUNTIME_VERSION is not a build argument the fleet passes here (OS_IMAGE, OS_SECURITY, NODE_PACKAGE, NODE_VERSION, NPM_VERSION, DOCKER_CLI_SUITE, DOCKER_CLI_PACKAGE, DOCKER_CLI_VERSION, BUILD_CA_BUNDLE), so it is always empty; use one of those, or give it a default [build-arg]"],
            Check(GoodBase + "\nARG RUNTIME_VERSION", Base));
    }

    [Fact]
    public void A_stage_may_take_a_default_from_before_from()
    {
        Assert.Empty(Check("ARG FLAVOUR=slim\nARG OS_IMAGE\nFROM ${OS_IMAGE}\nARG FLAVOUR\nRUN echo \"${FLAVOUR}\"\nENTRYPOINT [\"x\"]\n", Base));
    }
}
