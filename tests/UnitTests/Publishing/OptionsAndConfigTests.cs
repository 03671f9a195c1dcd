using TemplateFleet.Publishing;
using TemplateFleet.Registry;

namespace UnitTests.Publishing;

public sealed class OptionsAndConfigTests
{
    [Fact]
    public void Options_never_print_the_password()
    {
        var text = new PublishOptions(new RegistryCredentials("127.0.0.1:5000", "ci", "s3cret-value")).ToString();
        Assert.DoesNotContain("s3cret-value", text);
        Assert.Contains("***", text);
        var @base = new TemplateFleet.Images.BaseImageOptions(null, "127.0.0.1:5000", new RegistryCredentials("127.0.0.1:5000", "ci", "s3cret-value")).ToString();
        Assert.DoesNotContain("s3cret-value", @base);
    }

    [Fact]
    public void Registry_config_listens_on_loopback_with_htpasswd()
    {
        var yaml = RegistryProvisioner.Config("127.0.0.1:5123", "/tmp/it's data", "/tmp/htpasswd", "abc");
        Assert.Contains("addr: '127.0.0.1:5123'", yaml);
        Assert.Contains("rootdirectory: '/tmp/it''s data'", yaml);
        Assert.Contains("htpasswd:\n    realm: fleet-registry\n    path: '/tmp/htpasswd'", yaml);
        Assert.DoesNotContain("\r", yaml);
    }

    [Fact]
    public void Registry_config_without_credentials_has_no_auth()
    {
        Assert.DoesNotContain("auth:", RegistryProvisioner.Config("127.0.0.1:5000", "/d", null, "abc"));
    }

    [Fact]
    public void Registry_config_refuses_a_non_loopback_address() =>
        Assert.Throws<ArgumentException>(() => RegistryProvisioner.Config("0.0.0.0:5000", "/d", null, "abc"));

    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("1.0.0+dev.3", "1.0.0-dev.3")]
    [InlineData("4f2a9c1", "4f2a9c1")]
    public void Tags_are_docker_safe(string value, string tag) => Assert.Equal(tag, Publisher.TagFor(value));
}
