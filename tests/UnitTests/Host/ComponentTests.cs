namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class ComponentTests
{
    [Fact]
    public void Referencing_a_target_that_is_not_a_property_is_an_error_naming_the_target()
    {
        using var host = new HostHarness();

        var result = host.Run<ForeignReferenceBuild>("Orphan");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Target 'Orphan' has DependsOn(...) on a target that is not a Target property of the build class", result.Error);
    }
}
