using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace UnitTests.PackageIndex;

public sealed class RuntimeVersionResolverTests
{
    private const string Base = "http://127.0.0.1:8080";
    private const string Package = "molecule-ai-workspace-runtime";
    private static readonly ResolverOptions Fast = new() { MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(1) };

    private static RuntimeVersionResolver Resolver(StubIndex index) => new(new HttpClient(index), Base, Package, Fast);

    [Fact]
    public async Task Newest_final_release_with_a_file_that_is_not_yanked()
    {
        var index = new StubIndex().Then(HttpStatusCode.OK, StubIndex.ProjectJson(Package,
            ("0.9.0", [false]), ("1.0.0", [false, false]), ("1.1.0", [true]), ("1.2.0rc1", [false]), ("1.0.1", [true, false]), ("1.3.0", []), ("2013-legacy", [false])));

        var version = await Resolver(index).ResolveLatestAsync();

        Assert.Equal("1.0.1", version.ToString());
        Assert.Equal([$"GET {Base}/pypi/{Package}/json"], index.Requests);
    }

    [Fact]
    public async Task Pre_releases_only_when_no_final_exists()
    {
        var index = new StubIndex().Then(HttpStatusCode.OK, StubIndex.ProjectJson(Package, ("1.0.0rc1", [false]), ("1.0.0b2", [false]), ("1.0.0", [true])));

        Assert.Equal("1.0.0rc1", (await Resolver(index).ResolveLatestAsync()).ToString());
    }

    [Fact]
    public async Task Package_missing_on_the_index()
    {
        var index = new StubIndex().Then(HttpStatusCode.NotFound, "{\"message\": \"Not Found\"}");

        var e = await Assert.ThrowsAsync<FleetException>(() => Resolver(index).ResolveLatestAsync());

        Assert.Equal($"'{Package}' is not on the package index {Base} (GET {Base}/pypi/{Package}/json returned 404 Not Found); check the index URL or publish the package first", e.Message);
        Assert.Single(index.Requests);
    }

    [Fact]
    public async Task No_usable_release()
    {
        var index = new StubIndex().Then(HttpStatusCode.OK, StubIndex.ProjectJson(Package, ("1.0.0", [true]), ("1.1.0", [])));

        var e = await Assert.ThrowsAsync<FleetException>(() => Resolver(index).ResolveLatestAsync());

        Assert.StartsWith($"'{Package}' has no usable release on {Base}: every release is yanked", e.Message);
    }

    [Fact]
    public async Task Transient_failures_are_retried_a_bounded_number_of_times()
    {
        var index = new StubIndex()
            .Then(HttpStatusCode.ServiceUnavailable)
            .ThenThrow(new HttpRequestException("connection reset"))
            .Then(HttpStatusCode.OK, StubIndex.ProjectJson(Package, ("1.0.0", [false])));

        Assert.Equal("1.0.0", (await Resolver(index).ResolveLatestAsync()).ToString());
        Assert.Equal(3, index.Requests.Count);

        var down = new StubIndex().Then(HttpStatusCode.BadGateway);
        var e = await Assert.ThrowsAsync<FleetException>(() => Resolver(down).ResolveLatestAsync());
        Assert.Equal($"the package index at {Base} answered 502 Bad Gateway to GET {Base}/pypi/{Package}/json; check the index URL and the index's health", e.Message);
        Assert.Equal(3, down.Requests.Count);
    }

    [Fact]
    public async Task An_index_that_does_not_answer_is_named()
    {
        // A loopback port nobody listens on: a real "connection refused".
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var resolver = new RuntimeVersionResolver(new HttpClient(), $"http://127.0.0.1:{port}/", Package, Fast);

        var e = await Assert.ThrowsAsync<FleetException>(() => resolver.ResolveLatestAsync());

        Assert.StartsWith($"the package index at http://127.0.0.1:{port} did not answer GET http://127.0.0.1:{port}/pypi/{Package}/json (", e.Message);
        Assert.EndsWith("after 3 attempts; check the index URL and that the index is running", e.Message);
    }

    [Fact]
    public async Task A_hung_index_times_out_per_attempt()
    {
        // Accepts connections but never answers.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new ResolverOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(1), AttemptTimeout = TimeSpan.FromMilliseconds(200) };
        var resolver = new RuntimeVersionResolver(new HttpClient(), $"http://127.0.0.1:{port}", Package, options);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<FleetException>(() => resolver.ResolveLatestAsync());

        listener.Stop();
        Assert.Contains("did not answer", e.Message);
        Assert.Contains("after 2 attempts", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Not_json_is_reported()
    {
        var index = new StubIndex().Then(HttpStatusCode.OK, "<html>simple index</html>");

        var e = await Assert.ThrowsAsync<FleetException>(() => Resolver(index).ResolveLatestAsync());

        Assert.StartsWith($"GET {Base}/pypi/{Package}/json did not return PyPI JSON (", e.Message);
    }

    [Fact]
    public async Task A_resolver_for_a_simple_index_asks_the_json_api_beside_it()
    {
        var index = new StubIndex().Then(HttpStatusCode.OK, StubIndex.ProjectJson(Package, ("1.0.0", [false])));
        var resolver = new RuntimeVersionResolver(new HttpClient(index), RuntimeVersionResolver.JsonApiBaseFromSimpleIndex($"{Base}/simple/"), Package, Fast);

        Assert.Equal(Pep440Version.Parse("1.0"), await resolver.ResolveLatestAsync());
        Assert.Equal([$"GET {Base}/pypi/{Package}/json"], index.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/", "does not end in /simple/")]
    [InlineData("ftp://127.0.0.1/simple/", "is not an http(s) URL")]
    [InlineData("127.0.0.1/simple", "is not an http(s) URL")]
    public void Json_base_refuses_other_urls(string url, string expected)
    {
        var e = Assert.Throws<FleetException>(() => RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(url));
        Assert.Contains($"--package-index '{url}' {expected}", e.Message);
    }
}
