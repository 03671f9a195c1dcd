namespace TemplateFleet.Fleet;

/// <summary>A build argument the fleet passes to a Dockerfile; <see cref="Source"/> says where its value comes
/// from, for messages.</summary>
public sealed record BuildArg(string Name, string Source)
{
    public override string ToString() => Name;
}

/// <summary>
/// The build arguments: the whole interface between the build and the fleet's Dockerfiles
/// (templates/README.md). The builder passes exactly these, and the Dockerfile gate holds every Dockerfile to
/// using them, so each fact of fleet.yaml and template.yaml reaches an image by one route.
/// </summary>
public static class BuildArgs
{
    public static readonly BuildArg OsImage = new("OS_IMAGE", "the Debian 12 OS image the build provides (fleet.yaml base.os)");
    public static readonly BuildArg NodePackage = new("NODE_PACKAGE", "fleet.yaml base.node.package");
    public static readonly BuildArg NodeVersion = new("NODE_VERSION", "fleet.yaml base.node.version");
    public static readonly BuildArg NpmVersion = new("NPM_VERSION", "fleet.yaml base.node.npm");
    public static readonly BuildArg OsSecurity = new("OS_SECURITY", "fleet.yaml base.os.security (the security archive's date; Bump moves it)");
    public static readonly BuildArg DockerCliSuite = new("DOCKER_CLI_SUITE", "fleet.yaml base.dockerCli.suite");
    public static readonly BuildArg DockerCliPackage = new("DOCKER_CLI_PACKAGE", "fleet.yaml base.dockerCli.package");
    public static readonly BuildArg DockerCliVersion = new("DOCKER_CLI_VERSION", "fleet.yaml base.dockerCli.version");
    public static readonly BuildArg BuildCaBundle = new("BUILD_CA_BUNDLE", "where the base keeps the build network's CA bundle for build steps (BuildArgs.BuildCaBundlePath)");

    public static readonly BuildArg BaseImage = new("BASE_IMAGE", "the id of the base image the build made first");
    public static readonly BuildArg AgentPackage = new("AGENT_PACKAGE", "template.yaml agent.package");
    public static readonly BuildArg AgentVersion = new("AGENT_VERSION", "template.yaml agent.version");
    public static readonly BuildArg AgentCommand = new("AGENT_COMMAND", "template.yaml agent.command");
    public static readonly BuildArg RuntimePackage = new("RUNTIME_PACKAGE", "fleet.yaml runtime.package");
    public static readonly BuildArg RuntimeVersion = new("RUNTIME_VERSION", "the run's runtime version (--runtime-version, else the newest on the index)");
    public static readonly BuildArg PipIndexUrl = new("PIP_INDEX_URL", "the package index (--package-index, else the embedded one)");

    // Named after the variables npm (Node) and pip read: as build args they are in the environment of the RUN
    // steps and never in the image's config, so the build network's CA is trusted while building only.
    public static readonly BuildArg NodeExtraCaCerts = new("NODE_EXTRA_CA_CERTS", "the base's build CA bundle (BUILD_CA_BUNDLE), for npm at build time");
    public static readonly BuildArg PipCert = new("PIP_CERT", "the base's build CA bundle (BUILD_CA_BUNDLE), for pip at build time");

    /// <summary>Where the base keeps Debian's CA store plus the extra bundle (--ca-bundle): read by build steps
    /// only, through <see cref="NodeExtraCaCerts"/> and <see cref="PipCert"/>.</summary>
    public const string BuildCaBundlePath = "/usr/local/share/fleet-build-ca/ca-bundle.crt";

    /// <summary>What the base image gets.</summary>
    public static readonly IReadOnlyList<BuildArg> Base = [OsImage, OsSecurity, NodePackage, NodeVersion, NpmVersion, DockerCliSuite, DockerCliPackage, DockerCliVersion, BuildCaBundle];

    /// <summary>What every template gets.</summary>
    public static readonly IReadOnlyList<BuildArg> Template = [BaseImage, AgentPackage, AgentVersion, AgentCommand, RuntimePackage, RuntimeVersion, PipIndexUrl, NodeExtraCaCerts, PipCert];

    /// <param name="osImage">The OS image's reference (an id when it was bootstrapped).</param>
    public static IReadOnlyDictionary<string, string> ForBase(FleetConfig config, string osImage) => new Dictionary<string, string>
    {
        [OsImage.Name] = osImage,
        [OsSecurity.Name] = config.Base.Os.Security ?? "",
        [NodePackage.Name] = config.Base.Node.Package,
        [NodeVersion.Name] = config.Base.Node.Version,
        [NpmVersion.Name] = config.Base.Node.Npm,
        [DockerCliSuite.Name] = config.Base.DockerCli.Suite,
        [DockerCliPackage.Name] = config.Base.DockerCli.Package,
        [DockerCliVersion.Name] = config.Base.DockerCli.Version,
        [BuildCaBundle.Name] = BuildCaBundlePath,
    };

    /// <param name="baseImage">The base image's id: templates build FROM it by content address.</param>
    /// <param name="runtimeVersion">The normal form, as labels and tags carry it.</param>
    public static IReadOnlyDictionary<string, string> ForTemplate(FleetConfig config, Template template, string baseImage, string runtimeVersion, string indexUrl) => new Dictionary<string, string>
    {
        [BaseImage.Name] = baseImage,
        [AgentPackage.Name] = template.Agent.Package,
        [AgentVersion.Name] = template.Agent.Version,
        [AgentCommand.Name] = template.Agent.Command,
        [RuntimePackage.Name] = config.Runtime.Package,
        [RuntimeVersion.Name] = runtimeVersion,
        [PipIndexUrl.Name] = indexUrl,
        [NodeExtraCaCerts.Name] = BuildCaBundlePath,
        [PipCert.Name] = BuildCaBundlePath,
    };
}
