using TemplateFleet.PackageIndex;

namespace TemplateFleet.UnitTests.PackageIndex;

public sealed class PackageNameTests
{
    [Theory]
    [InlineData("molecule-ai-workspace-runtime", "molecule-ai-workspace-runtime")]
    [InlineData("Molecule_AI.workspace--Runtime", "molecule-ai-workspace-runtime")]
    [InlineData("hermes_agent", "hermes-agent")]
    public void Normalizes_per_pep_503(string name, string expected) => Assert.Equal(expected, PackageName.Normalize(name));

    [Theory]
    [InlineData("Hermes_Agent", "hermes-agent", true)]
    [InlineData("hermes.agent", "hermes-agent", true)]
    [InlineData("hermes-agents", "hermes-agent", false)]
    public void Two_spellings_of_one_project_are_the_same(string a, string b, bool same) => Assert.Equal(same, PackageName.Same(a, b));

    [Theory]
    [InlineData("molecule-ai-workspace-runtime", true)]
    [InlineData("a", true)]
    [InlineData("-leading", false)]
    [InlineData("trailing.", false)]
    [InlineData("has space", false)]
    public void Accepts_pep_508_names_only(string name, bool valid) => Assert.Equal(valid, PackageName.Pattern().IsMatch(name));
}
