using TemplateFleet.Engine;
using TemplateFleet.Fleet;

namespace UnitTests.Engine;

public sealed class EngineApiTests
{
    private static readonly Uri Endpoint = new("unix:///var/run/docker.sock");

    [Theory]
    [InlineData("20.10.24", "1.41", "1.12", "1.41")] // Debian 12: nothing above 1.41
    [InlineData("26.1.5", "1.45", "1.24", "1.45")]  // trixie
    [InlineData("26.1.5", "1.45", "1.44", "1.45")]  // minimum raised as Engine 29 raises it
    [InlineData("29.0.0", "1.52", "1.44", "1.52")]  // Engine 29: below 1.44 is refused, so never 1.41
    [InlineData("30.0.0", "1.60", "1.44", "1.52")]  // newer than the client: the client's newest
    public void The_newest_version_both_sides_know_is_spoken(string engine, string maximum, string minimum, string expected) =>
        Assert.Equal(Version.Parse(expected), EngineApi.Negotiate(Endpoint, engine, maximum, minimum));

    [Fact]
    public void An_engine_older_than_20_10_is_refused_saying_what_to_do()
    {
        var e = Assert.Throws<FleetException>(() => EngineApi.Negotiate(Endpoint, "19.03.15", "1.40", "1.12"));

        Assert.Equal("the engine at unix:///var/run/docker.sock (Docker 19.03.15) speaks Engine API up to 1.40; this build needs 1.41 (Docker 20.10) or newer. Upgrade the engine or point --docker-host at a newer one.", e.Message);
    }

    [Fact]
    public void An_engine_whose_minimum_is_above_the_clients_newest_is_refused_saying_what_to_do()
    {
        var e = Assert.Throws<FleetException>(() => EngineApi.Negotiate(Endpoint, "35.0.0", "1.70", "1.60"));

        Assert.Equal("the engine at unix:///var/run/docker.sock (Docker 35.0.0) requires Engine API 1.60 or newer; this build's client speaks up to 1.52. Update Docker.DotNet.Enhanced in build/_build.csproj.", e.Message);
    }

    [Fact]
    public void An_answer_without_an_API_version_is_no_engine()
    {
        var e = Assert.Throws<FleetException>(() => EngineApi.Negotiate(Endpoint, "?", "", null));

        Assert.Contains("reported no API version", e.Message);
    }
}
