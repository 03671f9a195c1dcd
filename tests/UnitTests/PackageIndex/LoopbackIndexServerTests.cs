using TemplateFleet.PackageIndex;

namespace TemplateFleet.UnitTests.PackageIndex;

public sealed class LoopbackIndexServerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fleet-srv-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Takes_the_preferred_port_and_falls_back_to_a_free_one_when_it_is_taken()
    {
        // The port freed here can be taken by another process before the owner binds it again (the integration tests
        // run beside the unit tests and start servers of their own): then try another free port.
        for (var attempt = 1; ; attempt++)
        {
            await using var first = LoopbackIndexServer.Start(_root);
            var preferred = first.BaseUrl.Port;
            await first.DisposeAsync();

            await using var owner = LoopbackIndexServer.Start(_root, preferred);
            if (owner.BaseUrl.Port != preferred && attempt < 10)
                continue;
            await using var second = LoopbackIndexServer.Start(_root, preferred);
            Assert.Equal(preferred, owner.BaseUrl.Port);
            Assert.NotEqual(preferred, second.BaseUrl.Port);
            Assert.Equal("127.0.0.1", second.BaseUrl.Host);
            return;
        }
    }

    [Theory]
    [InlineData("index.html", "text/html; charset=utf-8")]
    [InlineData("json", "application/json")]
    [InlineData("a-1.0-py3-none-any.whl", "application/octet-stream")]
    public void Content_types(string file, string expected) => Assert.Equal(expected, LoopbackIndexServer.ContentType(file));
}
