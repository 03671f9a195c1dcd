using System.Net;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace UnitTests.PackageIndex;

public sealed class IndexWaiterTests
{
    sealed class FakeIndex(Func<int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(answer(Requests.Count));
        }
    }

    static HttpResponseMessage Json(string version, int files) => new(HttpStatusCode.OK)
    {
        Content = new StringContent($$"""{"info":{"name":"molecule-ai-workspace-runtime","version":"{{version}}"},"urls":[{{string.Join(",", Enumerable.Repeat("""{"filename":"x.whl"}""", files))}}]}"""),
    };

    static readonly Uri Index = new("http://127.0.0.1:8080/");

    [Fact]
    public async Task Polls_until_the_version_is_served_with_files()
    {
        var fake = new FakeIndex(n => n switch
        {
            1 => new HttpResponseMessage(HttpStatusCode.NotFound),
            2 => Json("1.2.0", files: 0),
            _ => Json("1.2.0", files: 1),
        });

        await RuntimeVersionResolver.WaitForAsync(Index, "Molecule_AI.Workspace-Runtime", "1.2.0", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10), CancellationToken.None, fake);

        Assert.Equal(3, fake.Requests.Count);
        Assert.Equal("http://127.0.0.1:8080/pypi/molecule-ai-workspace-runtime/1.2.0/json", fake.Requests[0].ToString());
    }

    [Fact]
    public async Task Gives_up_after_the_timeout_with_a_clear_message()
    {
        var fake = new FakeIndex(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        var e = await Assert.ThrowsAsync<FleetException>(() => RuntimeVersionResolver.WaitForAsync(
            Index, "molecule-ai-workspace-runtime", "9.9.9", TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50), CancellationToken.None, fake));

        Assert.Contains("molecule-ai-workspace-runtime 9.9.9 did not appear on the index http://127.0.0.1:8080/ within 0 s", e.Message);
        Assert.Contains("last answer: HTTP 404", e.Message);
        Assert.InRange(fake.Requests.Count, 2, 10);
    }

    [Fact]
    public void Index_path_keeps_a_sub_path()
    {
        Assert.Equal("http://127.0.0.1:9/mirror/pypi/a-b-c/1.0/json",
            RuntimeVersionResolver.VersionUrl(new Uri("http://127.0.0.1:9/mirror"), "A_b.c", "1.0").ToString());
    }
}
