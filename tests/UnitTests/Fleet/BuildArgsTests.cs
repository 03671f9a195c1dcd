using TemplateFleet.Fleet;

namespace UnitTests.Fleet;

public sealed class BuildArgsTests
{
    private static readonly FleetConfig Fleet = FleetLoader.LoadFleet(TempRepo.RealRoot);

    [Fact]
    public void The_base_gets_its_declared_arguments_from_fleet_yaml()
    {
        var args = BuildArgs.ForBase(Fleet, "sha256:os");

        Assert.Equal(BuildArgs.Base.Select(a => a.Name).Order(), args.Keys.Order());
        Assert.Equal("sha256:os", args["OS_IMAGE"]);
        Assert.Equal((Fleet.Base.Node.Package, Fleet.Base.Node.Version, Fleet.Base.Node.Npm), (args["NODE_PACKAGE"], args["NODE_VERSION"], args["NPM_VERSION"]));
        Assert.Equal(BuildArgs.BuildCaBundlePath, args["BUILD_CA_BUNDLE"]);
        Assert.Equal(("trixie", "docker-cli", Fleet.Base.DockerCli.Version), (args["DOCKER_CLI_SUITE"], args["DOCKER_CLI_PACKAGE"], args["DOCKER_CLI_VERSION"]));
    }

    [Fact]
    public void A_template_gets_its_declared_arguments_from_the_run_and_template_yaml()
    {
        var codex = FleetLoader.LoadTemplate(Fleet, "codex");

        var args = BuildArgs.ForTemplate(Fleet, codex, "sha256:base", "1.0.0", "http://127.0.0.1:39503/simple/");

        Assert.Equal(BuildArgs.Template.Select(a => a.Name).Order(), args.Keys.Order());
        Assert.Equal("sha256:base", args["BASE_IMAGE"]);
        Assert.Equal(("@openai/codex", codex.Agent.Version, "codex"), (args["AGENT_PACKAGE"], args["AGENT_VERSION"], args["AGENT_COMMAND"]));
        Assert.Equal("molecule-ai-workspace-runtime", args["RUNTIME_PACKAGE"]);
        Assert.Equal("1.0.0", args["RUNTIME_VERSION"]);
        Assert.Equal("http://127.0.0.1:39503/simple/", args["PIP_INDEX_URL"]);
        // npm and pip trust the base's build CA bundle through build args: the build's environment, not the image's.
        Assert.Equal(BuildArgs.BuildCaBundlePath, args["NODE_EXTRA_CA_CERTS"]);
        Assert.Equal(BuildArgs.BuildCaBundlePath, args["PIP_CERT"]);
    }
}
