using TemplateFleet.PackageIndex;

namespace TemplateFleet.UnitTests.PackageIndex;

public sealed class PackageNamesTests
{
    [Theory]
    [InlineData("molecule-ai-workspace-runtime", "molecule-ai-workspace-runtime")]
    [InlineData("Molecule_AI.workspace--Runtime", "molecule-ai-workspace-runtime")]
    [InlineData("hermes_agent", "hermes-agent")]
    public void Normalizes_per_pep_503(string name, string expected) => Assert.Equal(expected, PackageNames.Normalize(name));

    [Fact]
    public void Wheel_names_use_underscores() =>
        Assert.Equal("molecule_ai_workspace_runtime-1.0.0-py3-none-any.whl", PackageNames.WheelFileName("molecule-ai-workspace-runtime", "1.0.0"));

    [Theory]
    [InlineData("1.0.0", true)]
    [InlineData("2026.9.6", true)]
    [InlineData("1.0.0rc1", true)]
    [InlineData("1.0.0.dev3", true)]
    [InlineData("1.0.0+local", false)]
    [InlineData("v1", false)]
    [InlineData("1.0/..", false)]
    public void Validates_public_versions(string version, bool valid) => Assert.Equal(valid, PackageNames.IsValidVersion(version));

    [Fact]
    public void Orders_versions_numerically() =>
        Assert.Equal(["0.9.0", "1.2.0", "1.10.0"], new[] { "1.10.0", "0.9.0", "1.2.0" }.Order(VersionComparer.Instance));
}
