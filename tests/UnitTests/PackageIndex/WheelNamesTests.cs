using TemplateFleet.PackageIndex;

namespace TemplateFleet.UnitTests.PackageIndex;

public sealed class WheelNamesTests
{
    [Fact]
    public void Wheel_names_use_underscores() =>
        Assert.Equal("molecule_ai_workspace_runtime-1.0.0-py3-none-any.whl", WheelBuilder.WheelFileName("molecule-ai-workspace-runtime", "1.0.0"));

    [Fact]
    public void Wheel_names_normalise_the_project_name_first() =>
        Assert.Equal("hermes_agent", WheelBuilder.WheelName("Hermes.Agent"));
}
