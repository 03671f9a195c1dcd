using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.Models;
using IntegrationTests.Gates;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.Images;

/// <summary>
/// The repository's real base (templates/base), built by the product's builder with an extra CA of this test's
/// own: what it trusts at run time with and without --trust-ca-bundle-at-runtime, its Docker CLI
/// (BaseDockerCliTests) and the security-upgrade gate on it. Only the CA layers differ from the fleet's base, the
/// slow layers come from the cache; the two images are removed by id at the end.
/// </summary>
public sealed class RealBaseFixture : IAsyncLifetime
{
    readonly EngineFixture _engine = new();
    readonly string _runId = RunIds.New("base");
    readonly string _output = RepositoryRoot.Combine("output", "tests", RunIds.New("base"));
    readonly List<string> _images = [];
    string _caBundle = null!;
    X509Certificate2 _extraCa = null!;

    public async Task InitializeAsync()
    {
        await _engine.InitializeAsync();
        Directory.CreateDirectory(_output);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fleet test network CA " + _runId, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _extraCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // The network's own CA stays in the bundle (the base's node stage fetches Node over HTTPS), this test's is added.
        var network = Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file && File.Exists(file) ? await File.ReadAllTextAsync(file) : "";
        _caBundle = Path.Combine(_output, "extra-ca.pem");
        await File.WriteAllTextAsync(_caBundle, network.TrimEnd() + "\n" + _extraCa.ExportCertificatePem() + "\n");
        BuildOnly = await BuildBaseAsync("build-only", trustAtRunTime: false);
        RunTime = await BuildBaseAsync("run-time", trustAtRunTime: true);
    }

    public async Task DisposeAsync()
    {
        await _engine.CleanupRunAsync(_runId);
        // Only the CA layers are this test's own; the slow ones stay with the fleet's base.
        await _engine.RemoveImagesAsync(_images);
        _extraCa.Dispose();
    }

    /// <summary>The base as built by default: the extra CA trusted while building only.</summary>
    public (string Id, ImageInspectResponse Image) BuildOnly { get; private set; }
    /// <summary>The base built with --trust-ca-bundle-at-runtime.</summary>
    public (string Id, ImageInspectResponse Image) RunTime { get; private set; }
    public EngineFixture Engine => _engine;
    public string RunId => _runId;
    public X509Certificate2 ExtraCa => _extraCa;

    async Task<(string Id, ImageInspectResponse Image)> BuildBaseAsync(string variant, bool trustAtRunTime)
    {
        var config = FleetLoader.LoadFleet(RepositoryRoot.Path);
        var paths = new RunPaths(RepositoryRoot.Path, Path.Combine(_output, variant));
        // No template is built: the index URL is never used. No registry: the base is built here, never pulled.
        var run = new FleetRun(config, [], Pep440Version.Parse("1.0.0"), "http://127.0.0.1:9/simple/");
        var result = await new BaseImageProvider(TestEngine.Context(_runId, paths)).EnsureAsync(run, new BaseImageOptions(),
            new ImageBuildOptions(CaBundle: _caBundle) { TrustCaBundleAtRunTime = trustAtRunTime }, CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure);
        _images.Add(result.ImageId!);
        return (result.ImageId!, await _engine.Docker.Images.InspectImageAsync(result.ImageId!));
    }
}

[Trait("Category", "RealBase")]
public sealed class BaseImageTests(RealBaseFixture fixture) : IClassFixture<RealBaseFixture>
{
    internal static Task<string> RunAsRootAsync(string runId, string image, params string[] command) =>
        FixtureImages.Docker(["run", "--rm", "--label", $"{Labels.Run}={runId}", "--user", "0", "--entrypoint", command[0], image, .. command[1..]]);

    Task<string> RunInAsync(string image, params string[] command) => RunAsRootAsync(fixture.RunId, image, command);

    bool TrustsExtraCa(string bundle) =>
        string.Concat(bundle.Where(c => !char.IsWhiteSpace(c))).Contains(Convert.ToBase64String(fixture.ExtraCa.RawData), StringComparison.Ordinal);

    static string? EnvOf(ImageInspectResponse image, string name) =>
        image.Config!.Env?.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal));

    [Fact]
    public async Task The_extra_ca_is_trusted_at_run_time_only_with_the_parameter_and_the_base_has_no_pending_security_upgrade()
    {
        var (buildOnly, buildOnlyImage) = fixture.BuildOnly;
        Assert.Equal("build-only", buildOnlyImage.Config!.Labels![Labels.CaTrust]);
        Assert.False(TrustsExtraCa(await RunInAsync(buildOnly, "cat", "/etc/ssl/certs/ca-certificates.crt")), "the default base trusts the extra CA at run time");
        Assert.Null(EnvOf(buildOnlyImage, "NODE_EXTRA_CA_CERTS"));
        Assert.Null(EnvOf(buildOnlyImage, "PIP_CERT"));
        // Build steps do get it: the file the templates' NODE_EXTRA_CA_CERTS and PIP_CERT build args name.
        Assert.True(TrustsExtraCa(await RunInAsync(buildOnly, "cat", BuildArgs.BuildCaBundlePath)), "the build CA bundle lacks the extra CA");

        var (runTime, runTimeImage) = fixture.RunTime;
        Assert.NotEqual(buildOnly, runTime);
        Assert.Equal("run-time", runTimeImage.Config!.Labels![Labels.CaTrust]);
        Assert.True(TrustsExtraCa(await RunInAsync(runTime, "cat", "/etc/ssl/certs/ca-certificates.crt")), "--trust-ca-bundle-at-runtime: the system store lacks the extra CA");
        Assert.Equal("NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt", EnvOf(runTimeImage, "NODE_EXTRA_CA_CERTS"));
        Assert.Equal("PIP_CERT=/etc/ssl/certs/ca-certificates.crt", EnvOf(runTimeImage, "PIP_CERT"));
        // Everything else is the base as it is by default.
        Assert.Equal(buildOnlyImage.Config.Entrypoint, runTimeImage.Config.Entrypoint);
        Assert.Equal(buildOnlyImage.Config.Cmd, runTimeImage.Config.Cmd);

        // The base takes bookworm-security and bookworm-updates when it is built: nothing is pending on it.
        var security = await new SecurityUpgradeCheck(fixture.Engine.Docker, fixture.RunId).CheckAsync("base", buildOnly, CancellationToken.None);
        Assert.True(security.Passed, security.Summary());
        Assert.Equal("bookworm", security.Suite);
    }
}
