using TemplateFleet.Registry;

namespace UnitTests.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parses_a_bearer_challenge()
    {
        var c = AuthChallenge.Parse("""Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push" """)!;
        Assert.Equal("Bearer", c.Scheme);
        Assert.Equal("https://auth.example/token", c["realm"]);
        Assert.Equal("registry.example", c["service"]);
        Assert.Equal("repository:a/b:pull,push", c["scope"]);
    }

    [Fact]
    public void Parses_a_basic_challenge()
    {
        var c = AuthChallenge.Parse("Basic realm=\"fleet-registry\"")!;
        Assert.Equal("Basic", c.Scheme);
        Assert.Equal("fleet-registry", c["realm"]);
        Assert.Null(c["scope"]);
    }

    [Fact]
    public void Empty_header_is_no_challenge() => Assert.Null(AuthChallenge.Parse(" "));
}
