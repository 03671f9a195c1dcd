using System.Net;
using System.Text;
using TemplateFleet.Fleet;
using TemplateFleet.Registry;

namespace UnitTests.Registry;

public sealed class RegistryClientTests
{
    const string Digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    static readonly string GoodBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:pw"));

    sealed class FakeRegistry(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(answer(request));
        }
    }

    static HttpResponseMessage Unauthorized(string challenge)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        return response;
    }

    static HttpResponseMessage Manifest(string? digest = Digest)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (digest is not null)
            response.Headers.TryAddWithoutValidation("Docker-Content-Digest", digest);
        return response;
    }

    static RegistryClient Client(FakeRegistry fake, string? user = "ci", string? password = "pw") =>
        new(RegistryHost.Parse("127.0.0.1:5000"), user, password, handler: fake);

    [Fact]
    public async Task Basic_challenge_is_answered_with_the_credentials()
    {
        var fake = new FakeRegistry(r => r.Headers.Authorization?.ToString() == GoodBasic ? Manifest() : Unauthorized("Basic realm=\"fleet-registry\""));
        using var client = Client(fake);

        Assert.Equal(Digest, await client.GetManifestDigestAsync("molecule-fleet/codex", "1.0.0", CancellationToken.None));

        Assert.Equal(2, fake.Requests.Count);
        var last = fake.Requests[^1];
        Assert.Equal(HttpMethod.Head, last.Method);
        Assert.Equal("http://127.0.0.1:5000/v2/molecule-fleet/codex/manifests/1.0.0", last.RequestUri!.ToString());
        Assert.Equal([RegistryClient.DockerManifestV2, RegistryClient.OciManifestV1], last.Headers.Accept.Select(a => a.MediaType));
    }

    [Fact]
    public async Task Bearer_challenge_fetches_a_token_from_the_realm()
    {
        var fake = new FakeRegistry(r => r.RequestUri!.Host switch
        {
            "auth.test" when r.Headers.Authorization?.ToString() == GoodBasic => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"token\":\"tok-1\"}") },
            "auth.test" => new HttpResponseMessage(HttpStatusCode.Unauthorized),
            _ when r.Headers.Authorization?.ToString() == "Bearer tok-1" => Manifest(),
            _ => Unauthorized("Bearer realm=\"http://auth.test/token\",service=\"reg\",scope=\"repository:molecule-fleet/codex:pull\""),
        });
        using var client = Client(fake);

        Assert.Equal(Digest, await client.GetManifestDigestAsync("molecule-fleet/codex", "1.0.0", CancellationToken.None));
        Assert.Equal("http://auth.test/token?service=reg&scope=repository%3Amolecule-fleet%2Fcodex%3Apull", fake.Requests[1].RequestUri!.ToString());
    }

    [Fact]
    public async Task Rejected_credentials_say_so_without_the_password()
    {
        var fake = new FakeRegistry(_ => Unauthorized("Basic realm=\"fleet-registry\""));
        using var client = Client(fake, password: "wrong-secret");

        var e = await Assert.ThrowsAsync<FleetException>(() => client.GetManifestDigestAsync("molecule-fleet/codex", "1.0.0", CancellationToken.None));
        Assert.Contains("rejected the credentials for user 'ci'", e.Message);
        Assert.DoesNotContain("wrong-secret", e.Message);
    }

    [Fact]
    public async Task Missing_credentials_are_named()
    {
        var fake = new FakeRegistry(_ => Unauthorized("Basic realm=\"fleet-registry\""));
        using var client = Client(fake, user: null, password: null);

        var e = await Assert.ThrowsAsync<FleetException>(() => client.GetManifestDigestAsync("molecule-fleet/codex", "1.0.0", CancellationToken.None));
        Assert.Contains("requires credentials", e.Message);
    }

    [Fact]
    public async Task Missing_digest_header_is_an_error()
    {
        using var client = Client(new FakeRegistry(_ => Manifest(digest: null)));
        var e = await Assert.ThrowsAsync<FleetException>(() => client.GetManifestDigestAsync("molecule-fleet/codex", "1.0.0", CancellationToken.None));
        Assert.Contains("no Docker-Content-Digest", e.Message);
    }
}
