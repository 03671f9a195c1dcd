using Serilog;
using TemplateFleet.Host;

namespace TemplateFleet;

// TEMPORARY (host branch): the six targets and their edges with placeholder bodies, to exercise the host
// end to end. The integrator replaces the bodies with calls into the builders, gates and publisher.
internal sealed partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>();

    [Parameter("Runtime version to build with; default: the latest on the package index")]
    readonly string? RuntimeVersion;

    [Parameter("Templates to build (comma- or space-separated); default: all")]
    readonly string[] Templates = [];

    [Parameter("Package index URL (simple API) used inside builds")]
    readonly string? PackageIndex;

    [Parameter("How many templates build and gate at once")]
    readonly int Parallelism = 2;

    [Parameter("CA bundle (PEM) trusted inside builds, for indexes behind a TLS-intercepting proxy")]
    readonly AbsolutePath? CaBundle;

    [Parameter("Registry to publish to, host[:port]")]
    readonly string? Registry;

    [Parameter("Registry user name")]
    readonly string? RegistryUsername;

    [Parameter("Registry password or token")]
    [Secret]
    readonly string? RegistryPassword;

    Target Restore => _ => _
        .Description("Validate the fleet data, check the engine, resolve the runtime version")
        .Executes(() => Log.Information("Restore: {Count} templates requested, parallelism {Parallelism}", Templates.Length, Parallelism));

    Target BuildImage => _ => _
        .Description("Build the base image, then every template FROM it by digest")
        .DependsOn(Restore)
        .Executes(() => Log.Information("BuildImage: runtime {Version}, index {Index}", RuntimeVersion, PackageIndex));

    Target Smoke => _ => _
        .Description("Run each template's declarative checks on a plain container")
        .DependsOn(BuildImage)
        .Executes(() => { });

    Target T4Conformance => _ => _
        .Description("Run the T4 contract's probes as uid 1000 in the provisioner shape")
        .DependsOn(BuildImage)
        .Executes(() => { });

    Target Publish => _ => _
        .Description("Push templates that passed both gates, verify by digest, write their pins")
        .DependsOn(Smoke, T4Conformance)
        .Executes(() => Log.Information("Publish: registry {Registry} as {User} ({HasCa})", Registry, RegistryUsername, CaBundle is null ? "system CAs" : CaBundle.Name));

    Target Cascade => _ => _
        .Description("Wait for a runtime version on the index, then rebuild, gate, publish and open the pin-bump PR")
        .DependsOn(Restore)
        .Triggers(BuildImage, Smoke, T4Conformance, Publish)
        .Executes(() => Log.Information("Cascade: runtime {Version}, registry password {Password}", RuntimeVersion, RegistryPassword));

    Target Test => _ => _
        .Description("Run the unit tests")
        .Executes(() => { });
}
