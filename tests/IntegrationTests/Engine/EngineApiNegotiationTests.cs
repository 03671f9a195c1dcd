using Docker.DotNet;
using TemplateFleet.Engine;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Engine;

/// <summary>
/// dockerd 26.1.5 with Engine 29's minimum API (1.44, in an engine of its own) and the first engine (20.10,
/// 1.41 at most): a client pinned to 20.10's API fails on the one, the build's negotiated client works on both.
/// </summary>
[Collection(SecondEngineCollection.Name)]
public sealed class EngineApiNegotiationTests(SecondEngineFixture engine) : IAsyncLifetime
{
    SecondEngine engine29 = null!;

    public async Task InitializeAsync() => engine29 = await SecondEngineFixture.Engine29Minimum("negotiation");

    public Task DisposeAsync() => engine29.StopAsync();

    [Fact]
    public async Task A_client_pinned_to_the_API_of_20_10_is_refused_where_1_44_is_the_minimum()
    {
        Assert.Equal(SecondEngineFixture.MinimumApi, (await engine29.Docker.System.GetVersionAsync()).MinAPIVersion);
        using var pinned = new DockerClientBuilder().WithEndpoint(engine29.Endpoint).WithApiVersion(new Version(1, 41)).Build();

        var e = await Assert.ThrowsAsync<DockerApiException>(() => pinned.System.GetSystemInfoAsync());

        Assert.Contains("client version 1.41 is too old. Minimum supported API version is 1.44", e.ResponseBody);
    }

    [Fact]
    public async Task The_build_negotiates_the_newest_version_each_engine_knows()
    {
        using var second = new DockerEngine(engine29.Endpoint);
        Assert.Equal(new Version(1, 45), await second.NegotiateAsync(CancellationToken.None));
        Assert.NotNull((await second.Client.System.GetSystemInfoAsync()).ServerVersion);
        Assert.NotNull(await second.Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters()));

        using var first = new DockerEngine(engine.First.Endpoint);
        Assert.Equal(Version.Parse(engine.First.ApiVersion), await first.NegotiateAsync(CancellationToken.None));
        Assert.NotNull((await first.Client.System.GetSystemInfoAsync()).ServerVersion);
    }

    [Fact]
    public async Task Restore_on_an_engine_with_the_minimum_of_Engine_29_says_which_version_it_speaks()
    {
        // In a copy: a build in the checkout would take its output folder's lock and start its results afresh.
        var copy = await RepositoryCopy.MakeAsync(RepositoryRoot.Combine("output", "tests", RunIds.New("negotiation")));
        var (exit, output) = await BuildScript.RunAsync("restore-engine-29-minimum.log", RepositoryRoot.Path, new Dictionary<string, string>(),
            "--root", copy, "Restore", "--docker-host", engine29.Endpoint.ToString());

        Assert.True(exit == 0, BuildScript.Tail(output));
        Assert.Contains($"Docker engine 26.1.5+dfsg1 (API 1.45) at \"{engine29.Endpoint}\"", output);
        Assert.Contains("Engine API 1.45 negotiated", output);
    }
}
