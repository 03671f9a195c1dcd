using TemplateFleet.Images;

namespace TemplateFleet.UnitTests.Images;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]           // '*' stays in one segment
    [InlineData("**/*.md", "docs/deep/README.md", true)]
    [InlineData("**/*.md", "README.md", true)]              // '**/' may match zero folders
    [InlineData("docs", "docs/a/b.txt", true)]              // a matching parent folder excludes its content
    [InlineData("/docs", "docs/a.txt", true)]               // leading '/' is dropped
    [InlineData("./docs/../tmp", "tmp/x", true)]            // cleaned like filepath.Clean
    [InlineData("te?t.txt", "test.txt", true)]
    [InlineData("te?t.txt", "te/t.txt", false)]
    [InlineData("node_modules/**", "node_modules/a/b", true)]
    [InlineData("[ab].txt", "b.txt", true)]
    [InlineData("a.txt", "aXtxt", false)]                   // '.' is literal
    [InlineData("# comment", "# comment", false)]
    public void Matches_like_docker(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).IsExcluded(path));

    [Fact]
    public void Exceptions_reinclude_and_the_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("*.log\n!keep.log\n# later rule wins\nkeep*.log\n!keep-me.log\n");
        Assert.True(ignore.IsExcluded("a.log"));
        Assert.True(ignore.IsExcluded("keep.log"));
        Assert.False(ignore.IsExcluded("keep-me.log"));
        Assert.False(ignore.IsExcluded("a.txt"));
    }

    [Fact]
    public void Exception_inside_an_excluded_folder()
    {
        var ignore = DockerIgnore.Parse("secrets\n!secrets/public.pem");
        Assert.True(ignore.IsExcluded("secrets/private.pem"));
        Assert.False(ignore.IsExcluded("secrets/public.pem"));
    }
}
