using TemplateFleet.Images;

namespace TemplateFleet.UnitTests.Images;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("debian:bookworm-slim", "debian", "bookworm-slim")]
    [InlineData("debian", "debian", "latest")]
    [InlineData("molecule-fleet/codex:1.0.0", "molecule-fleet/codex", "1.0.0")]
    [InlineData("127.0.0.1:5000/molecule-fleet/codex", "127.0.0.1:5000/molecule-fleet/codex", "latest")]
    [InlineData("127.0.0.1:5000/debian:bookworm-slim", "127.0.0.1:5000/debian", "bookworm-slim")]
    public void A_registry_port_is_never_read_as_a_tag(string reference, string repository, string tag) =>
        Assert.Equal(new ImageReference(repository, tag), ImageReference.Parse(reference));

    [Fact]
    public void Prints_as_repository_colon_tag() =>
        Assert.Equal("127.0.0.1:5000/debian:latest", ImageReference.Parse("127.0.0.1:5000/debian").ToString());
}
