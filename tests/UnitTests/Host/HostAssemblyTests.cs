using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

public sealed class HostAssemblyTests
{
    [Fact]
    public void The_host_assembly_references_no_fleet_code()
    {
        var host = typeof(NukeBuild).Assembly;

        Assert.Equal("TemplateFleet.Host", host.GetName().Name);
        Assert.DoesNotContain(host.GetReferencedAssemblies(), a => a.Name == "_build");
        Assert.All(host.GetTypes().Where(t => t.Namespace?.StartsWith("TemplateFleet", StringComparison.Ordinal) == true),
            t => Assert.StartsWith("TemplateFleet.Host", t.Namespace));
    }
}
