using TemplateFleet.Images;
using TemplateFleet.SupplyChain;

namespace UnitTests.Images;

public sealed class ImageBuildOptionsTests
{
    [Fact]
    public void The_extra_ca_is_trusted_at_build_time_only_unless_run_time_trust_is_asked_for()
    {
        var options = new ImageBuildOptions(CaBundle: "/etc/network-ca.pem");
        Assert.Equal(CaTrust.BuildOnly, options.CaTrust);
        Assert.Equal(CaTrust.RunTime, (options with { TrustCaBundleAtRunTime = true }).CaTrust);
    }
}
