using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace UnitTests.PackageIndex;

public sealed class Pep440VersionTests
{
    [Theory]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("1.0.0RC1", "1.0.0rc1")]
    [InlineData("v1.0", "1.0")]
    [InlineData("1.0-alpha.2", "1.0a2")]
    [InlineData("1.0.beta", "1.0b0")]
    [InlineData("1.0c3", "1.0rc3")]
    [InlineData("1.0-preview4", "1.0rc4")]
    [InlineData("1.0-1", "1.0.post1")]
    [InlineData("1.0.rev2", "1.0.post2")]
    [InlineData("1.0_DEV", "1.0.dev0")]
    [InlineData("2!01.002", "2!1.2")]
    [InlineData("1.0rc1.post2.dev3", "1.0rc1.post2.dev3")]
    public void Parses_and_normalises(string input, string normalised) =>
        Assert.Equal(normalised, Pep440Version.Parse(input).ToString());

    [Theory]
    [InlineData("1.0; rm -rf /", "1.0; rm -rf /")]
    [InlineData("$(id)", "$(id)")]
    [InlineData("1.0\nx", "1.0\\nx")]
    [InlineData("1.0\n", "1.0\\n")]
    [InlineData("", "")]
    [InlineData(" ", " ")]
    [InlineData(" 1.0", " 1.0")]
    [InlineData("1.0 ", "1.0 ")]
    [InlineData("'1.0'", "'1.0'")]
    [InlineData("\"1.0\"", "\"1.0\"")]
    [InlineData("`id`", "`id`")]
    [InlineData("1.0+local", "1.0+local")]
    [InlineData("latest", "latest")]
    [InlineData("1.0.*", "1.0.*")]
    [InlineData(">=1.0", ">=1.0")]
    [InlineData("1.0\u001b[31m", "1.0\\u001b[31m")]
    [InlineData("99999999999999999999999.0", "99999999999999999999999.0")]
    public void Rejects_anything_else_with_one_safe_line(string input, string shown)
    {
        var e = Assert.Throws<FleetException>(() => Pep440Version.Parse(input));

        Assert.Equal($"--runtime-version '{shown}' is not a PEP 440 public version (example: 1.2.3, 1.2.3rc1); nothing was run.", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Pep440Version.TryParse(input, out _));
    }

    [Fact]
    public void Names_the_parameter_it_was_given_as()
    {
        var e = Assert.Throws<FleetException>(() => Pep440Version.Parse("x", "RUNTIME_VERSION"));
        Assert.StartsWith("RUNTIME_VERSION 'x' is not", e.Message);
    }

    [Fact]
    public void Orders_as_pip_does()
    {
        string[] ascending = ["1.0.dev0", "1.0a1.dev1", "1.0a1", "1.0a2", "1.0b1", "1.0rc1", "1.0rc1.post1", "1.0", "1.0.post1.dev1", "1.0.post1", "1.0.1", "1.1.dev1", "2.0", "1!0.1"];
        var shuffled = ascending.Reverse().Select(v => Pep440Version.Parse(v)).ToList();

        shuffled.Sort();

        Assert.Equal(ascending, shuffled.Select(v => v.ToString()));
    }

    [Fact]
    public void Trailing_zeros_do_not_change_equality()
    {
        Assert.Equal(Pep440Version.Parse("1.0"), Pep440Version.Parse("1.0.0"));
        Assert.Equal(Pep440Version.Parse("1.0").GetHashCode(), Pep440Version.Parse("1.0.0").GetHashCode());
        Assert.True(Pep440Version.Parse("1.0.0rc1").CompareTo(Pep440Version.Parse("1.0")) < 0);
        Assert.True(Pep440Version.Parse("1.0rc1").IsPreRelease);
        Assert.True(Pep440Version.Parse("1.0.dev1").IsPreRelease);
        Assert.False(Pep440Version.Parse("1.0.post1").IsPreRelease);
    }

    [Theory]
    [InlineData("1.0.0", true)]
    [InlineData("2026.9.6", true)]
    [InlineData("1.0.0rc1", true)]
    [InlineData("1.0.0.dev3", true)]
    [InlineData("1.0.0+local", false)]
    [InlineData("v1", false)]
    [InlineData("1.0.0RC1", false)]
    [InlineData("1.0/..", false)]
    public void Only_the_normal_form_is_canonical(string version, bool canonical) => Assert.Equal(canonical, Pep440Version.IsCanonical(version));

    [Fact]
    public void Orders_release_numbers_numerically_not_as_text() =>
        Assert.Equal(["0.9.0", "1.2.0", "1.10.0"], new[] { "1.10.0", "0.9.0", "1.2.0" }.Select(v => Pep440Version.Parse(v)).Order().Select(v => v.ToString()));
}
