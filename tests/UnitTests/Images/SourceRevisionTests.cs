using TemplateFleet.Images;

namespace TemplateFleet.UnitTests.Images;

public sealed class SourceRevisionTests
{
    [Theory]
    [InlineData("https://bot:s3cret@git.example/org/fleet.git", "https://git.example/org/fleet.git")]
    [InlineData("https://git.example/org/fleet.git", "https://git.example/org/fleet.git")]
    [InlineData("git@git.example:org/fleet.git", "git@git.example:org/fleet.git")]
    [InlineData(null, null)]
    public void Remote_urls_lose_their_credentials(string? url, string? expected) =>
        Assert.Equal(expected, SourceRevision.WithoutCredentials(url));

    [Theory]
    [InlineData("/srv/git/fleet")]
    [InlineData("./../fleet")]
    [InlineData("file:///srv/git/fleet")]
    public void A_remote_that_is_a_local_path_is_no_source(string url) =>
        Assert.Null(SourceRevision.PublishableRemote(url));

    [Fact]
    public void A_remote_url_is_the_source_without_credentials() =>
        Assert.Equal("https://git.example/org/fleet.git", SourceRevision.PublishableRemote("https://bot:s3cret@git.example/org/fleet.git"));

    [Fact]
    public void A_folder_that_is_not_a_repository_is_nogit_and_named_by_its_folder()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-nogit-");
        try
        {
            var revision = SourceRevision.Read(dir.FullName);
            Assert.Equal(new SourceRevision("nogit", null, dir.Name), revision);
        }
        finally
        {
            dir.Delete();
        }
    }
}
