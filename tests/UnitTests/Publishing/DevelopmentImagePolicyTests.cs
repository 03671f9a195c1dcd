using TemplateFleet.Fleet;
using TemplateFleet.Publishing;

namespace UnitTests.Publishing;

public sealed class DevelopmentImagePolicyTests
{
    static readonly Dictionary<string, string> Development = new() { [Labels.DevelopmentPackages] = "true", [Labels.Template] = "codex" };
    static readonly Dictionary<string, string> Release = new() { [Labels.DevelopmentPackages] = "false" };

    [Fact]
    public void Development_image_is_refused_for_a_remote_registry_with_a_clear_message()
    {
        var reason = DevelopmentImagePolicy.RefusalReason("codex", Development, "registry.example.com:5000");
        Assert.NotNull(reason);
        Assert.Contains("refused to push codex to registry.example.com:5000", reason);
        Assert.Contains($"{Labels.DevelopmentPackages}=true", reason);
        Assert.Contains("loopback", reason);
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("localhost:5000")]
    [InlineData("[::1]:5000")]
    public void Development_image_may_go_to_loopback(string registry) =>
        Assert.Null(DevelopmentImagePolicy.RefusalReason("codex", Development, registry));

    [Fact]
    public void Release_image_may_go_anywhere()
    {
        Assert.Null(DevelopmentImagePolicy.RefusalReason("codex", Release, "registry.example.com"));
        Assert.Null(DevelopmentImagePolicy.RefusalReason("codex", null, "registry.example.com"));
    }
}
