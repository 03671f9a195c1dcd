using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.RealFleet;

/// <summary>
/// The repository's real base as the fleet's build made it with an extra CA of the tests' own (phases "fleet" and
/// "base trusting the CA at run time" of <see cref="RealFleetFixture"/>): what it trusts at run time with and
/// without --trust-ca-bundle-at-runtime, and the security-upgrade gate on it.
/// </summary>
[Collection(RealFleetCollection.Name)]
public sealed class BaseImageTests(RealFleetFixture fx)
{
    static string? EnvOf(ImageInspectResponse image, string name) =>
        image.Config!.Env?.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal));

    [Fact]
    public async Task By_default_the_extra_ca_is_trusted_by_build_steps_only()
    {
        fx.Phases.Require("fleet");
        var (buildOnly, image) = fx.BuildOnlyBase;
        Assert.Equal("build-only", image.Config!.Labels![Labels.CaTrust]);
        Assert.False(fx.Ca.IsIn(await fx.RunAsRootAsync(buildOnly, "cat", "/etc/ssl/certs/ca-certificates.crt")), "the default base trusts the extra CA at run time");
        Assert.Null(EnvOf(image, "NODE_EXTRA_CA_CERTS"));
        Assert.Null(EnvOf(image, "PIP_CERT"));
        // Build steps do get it: the file the templates' NODE_EXTRA_CA_CERTS and PIP_CERT build args name.
        Assert.True(fx.Ca.IsIn(await fx.RunAsRootAsync(buildOnly, "cat", BuildArgs.BuildCaBundlePath)), "the build CA bundle lacks the extra CA");
    }

    [Fact]
    public async Task With_the_parameter_the_extra_ca_is_trusted_at_run_time_and_nothing_else_changes()
    {
        fx.Phases.Require("fleet", "base trusting the CA at run time");
        var (runTime, image) = fx.RunTimeBase;
        Assert.NotEqual(fx.BuildOnlyBase.Id, runTime);
        Assert.Equal("run-time", image.Config!.Labels![Labels.CaTrust]);
        Assert.True(fx.Ca.IsIn(await fx.RunAsRootAsync(runTime, "cat", "/etc/ssl/certs/ca-certificates.crt")), "--trust-ca-bundle-at-runtime: the system store lacks the extra CA");
        Assert.Equal("NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt", EnvOf(image, "NODE_EXTRA_CA_CERTS"));
        Assert.Equal("PIP_CERT=/etc/ssl/certs/ca-certificates.crt", EnvOf(image, "PIP_CERT"));
        // Everything else is the base as it is by default.
        var buildOnly = fx.BuildOnlyBase.Image;
        Assert.Equal(buildOnly.Config!.Entrypoint, image.Config.Entrypoint);
        Assert.Equal(buildOnly.Config.Cmd, image.Config.Cmd);
    }

    [Fact]
    public async Task The_base_has_no_pending_security_upgrade()
    {
        fx.Phases.Require("fleet");
        // The base takes bookworm-security and bookworm-updates when it is built (full-upgrade): nothing is pending on it,
        // by the host-side check against what dpkg lists in it, nor for the docker-cli it takes from trixie.
        var installed = (await fx.RunAsRootAsync(fx.BuildOnlyBase.Id, "dpkg-query", "-W", "-f", "${Package} ${Version}\n")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).Select(p => new SbomPackage("deb", p[0], p[1]));
        var security = await SecurityArchive.ForHost(SupplyChainTools.Folder(TestCache.Home, "apt"))
            .CheckAsync("base", installed, DebianOrigin.Of(FleetLoader.LoadFleet(RepositoryRoot.Path)), CancellationToken.None);
        Assert.True(security.Passed, security.Summary());
        Assert.Equal("bookworm", security.Suite);
    }
}
