using Docker.DotNet;
using TemplateFleet.Engine;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// The second engine answers API 1.45 and, like Engine 29, refuses anything below 1.44; the first answers
/// 1.41 at most. A client pinned to 20.10's API fails on the one, the build's negotiated client works on both.
/// </summary>
[Collection(SecondEngineCollection.Name)]
public sealed class EngineApiNegotiationTests(SecondEngineFixture engine)
{
    [Fact]
    public async Task A_client_pinned_to_the_API_of_20_10_is_refused_where_1_44_is_the_minimum()
    {
        Assert.Equal(SecondEngineFixture.MinimumApi, (await engine.Docker.System.GetVersionAsync()).MinAPIVersion);
        using var pinned = new DockerClientBuilder().WithEndpoint(engine.Endpoint).WithApiVersion(new Version(1, 41)).Build();

        var e = await Assert.ThrowsAsync<DockerApiException>(() => pinned.System.GetSystemInfoAsync());

        Assert.Contains("client version 1.41 is too old. Minimum supported API version is 1.44", e.ResponseBody);
    }

    [Fact]
    public async Task The_build_negotiates_the_newest_version_each_engine_knows()
    {
        using var second = new DockerEngine(engine.Endpoint);
        Assert.Equal(new Version(1, 45), await second.NegotiateAsync(CancellationToken.None));
        Assert.NotNull((await second.Client.System.GetSystemInfoAsync()).ServerVersion);
        Assert.NotEmpty(await second.Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters()));

        using var first = new DockerEngine(engine.First.Endpoint);
        Assert.Equal(Version.Parse(engine.First.ApiVersion), await first.NegotiateAsync(CancellationToken.None));
        Assert.NotNull((await first.Client.System.GetSystemInfoAsync()).ServerVersion);
    }

    [Fact]
    public async Task Restore_on_the_second_engine_says_which_version_it_speaks()
    {
        var (exit, output) = await BuildScript.RunAsync("restore-second-engine.log", RepositoryRoot.Path, new Dictionary<string, string>(),
            "Restore", "--docker-host", engine.Endpoint.ToString());

        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.Contains($"Docker engine 26.1.5+dfsg1 (API 1.45) at \"{engine.Endpoint}\"", output);
        Assert.Contains("Engine API 1.45 negotiated", output);
    }
}
