namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class ComponentTests
{
    [Fact]
    public void Targets_from_component_interfaces_are_found_and_referenced()
    {
        using var host = new HostHarness();

        var result = host.Run<ComponentBuild>("ship");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Announce", "Ship"], result.Executed);
    }

    [Fact]
    public void Referencing_a_target_that_is_not_a_property_is_an_error_naming_the_target()
    {
        using var host = new HostHarness();

        var result = host.Run<ForeignReferenceBuild>("Orphan");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Target 'Orphan' has DependsOn(...) on a target that is not a Target property of the build class", result.Error);
    }
}
