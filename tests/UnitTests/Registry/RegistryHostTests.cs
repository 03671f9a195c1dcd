using TemplateFleet.Fleet;
using TemplateFleet.Registry;

namespace UnitTests.Registry;

public sealed class RegistryHostTests
{
    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10:443")]
    [InlineData("localhost:5000")]
    [InlineData("LocalHost")]
    [InlineData("[::1]:5000")]
    [InlineData("::1")]
    public void Loopback_registries(string registry) => Assert.True(RegistryHost.IsLoopbackRegistry(registry));

    [Theory]
    [InlineData("10.0.0.5:5000")]
    [InlineData("registry.example.com")]
    [InlineData("127.0.0.1.example.com:5000")]
    [InlineData("localhost.example.com")]
    [InlineData("128.0.0.1:5000")]
    [InlineData("[2001:db8::1]:5000")]
    [InlineData("127.1")] // the engine treats shorthand as a name; refuse rather than guess
    public void Registries_off_loopback(string registry) => Assert.False(RegistryHost.IsLoopbackRegistry(registry));

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("127.0.0.1:5000/path")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("")]
    public void Malformed_registry_names_the_value(string registry)
    {
        var e = Assert.Throws<FleetException>(() => RegistryHost.Parse(registry));
        Assert.Contains($"'{registry}'", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("[::1]:5000", "http://[::1]:5000/")]
    [InlineData("registry.example.com", "https://registry.example.com/")]
    public void Api_base_is_plain_http_only_on_loopback(string registry, string expected)
    {
        Assert.Equal(expected, RegistryHost.Parse(registry).ApiBase().ToString());
        Assert.Equal(registry, RegistryHost.Parse(registry).ToString());
    }
}
