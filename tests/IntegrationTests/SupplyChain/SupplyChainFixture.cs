using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using IntegrationTests.Publishing;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using TemplateFleet.Fleet;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;

namespace IntegrationTests.SupplyChain;

[CollectionDefinition(Name)]
[StartsEarly(5)]
public sealed class SupplyChainCollection : ICollectionFixture<SupplyChainFixture>
{
    public const string Name = "supply-chain";
}

/// <summary>
/// The real parts of the supply-chain tests: the engine, trivy and cosign at their pins (installed by the
/// build's own installer), a Distribution registry with htpasswd auth on a free loopback port, and small
/// images FROM the fleet's OS image. Everything it creates is removed at the end; every log line the
/// code under test writes is kept, so a test can prove no secret reached it.
/// </summary>
public sealed class SupplyChainFixture : IAsyncLifetime
{
    public const string Repository = "fleet-supply-it";
    public string Username { get; } = "fleet-ci";
    public string Password { get; } = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    public IDockerClient Docker => TestEngine.Engine.Client;
    public Uri Endpoint => TestEngine.Endpoint;
    public string RunId { get; } = "sc-" + Guid.NewGuid().ToString("N")[..8];
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("supply-it-").FullName;
    /// <summary>Output of the code under test goes here (SBOMs, keys, scratch), so a test can search all of it.</summary>
    public RunPaths Paths { get; }
    /// <summary>Its one phase, "set-up" (tools, OS image, registry): what reads the parts below fails with its cause when it did not succeed.</summary>
    public FixturePhases Phases { get; } = new(nameof(SupplyChainFixture));
    public SupplyChainTools Tools { get => Ready(tools); private set => tools = value; }
    public LocalRegistry Registry { get => Ready(registry); private set => registry = value; }
    public string OsImage { get => Ready(osImage); private set => osImage = value; }
    SupplyChainTools? tools;
    LocalRegistry? registry;
    string? osImage;

    T Ready<T>(T? part)
    {
        Phases.Require("set-up");
        return part!;
    }
    /// <summary>The repository's own suppressions (templates/secret-suppressions.yaml): third-party files of the OS image hold test keys.</summary>
    public IReadOnlyList<SecretSuppression> Suppressions { get; } =
        SecretSuppressions.Load(SecretSuppressions.PathIn(RepositoryRoot.Combine("templates")), RepositoryRoot.Path);
    /// <summary>The test images' Debian: the OS image's suite, nothing from another suite.</summary>
    public DebianOrigin Origin => new(FleetLoader.LoadFleet(RepositoryRoot.Path).Base.Os.Suite, []);
    public LogCapture Logs { get; } = new();
    readonly List<string> images = [];

    public SupplyChainFixture()
    {
        // The caches are the tests' own (TestCache): the OS layer is read once across runs.
        Paths = new RunPaths(RepositoryRoot.Path, Path.Combine(WorkDirectory, "output"));
    }

    public Task InitializeAsync() => Phases.RunAsync("set-up", async () =>
    {
        // The gate tests' console logger is set up once per process; set it up first, then keep every line as well,
        // so no later set-up can take the capture away.
        IntegrationTests.Gates.TestLogging.Enable();
        Log.Logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Logger(Log.Logger).WriteTo.Sink(Logs).CreateLogger();
        tools = await SupplyChainTools.EnsureAsync(ToolInstaller.ForRepository(RepositoryRoot.Path, TestCache.Home), TestCache.Home, Paths, CancellationToken.None);
        osImage = await TestOsImage.EnsureAsync();
        registry = await OwnRegistry.StartAsync(Path.Combine(WorkDirectory, "registry"), Username, Password);
    });

    public async Task DisposeAsync()
    {
        foreach (var id in images.AsEnumerable().Reverse())
        {
            try
            {
                await Docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }, CancellationToken.None);
            }
            catch (DockerApiException)
            {
                // gone already, or still the parent of another test image removed next
            }
        }
        foreach (var container in await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Run}={RunId}"] = true } },
        }))
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        if (registry is not null)
            await registry.StopAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }

    /// <summary>Builds a Dockerfile (FROM ${OS_IMAGE}) with the given files and build args; returns the image id.</summary>
    public async Task<string> BuildAsync(string name, string dockerfile, IReadOnlyDictionary<string, string>? files = null,
        IDictionary<string, string>? buildArgs = null)
    {
        var tag = $"{Repository}/{name}:{RunId}";
        using var context = new MemoryStream();
        using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in new Dictionary<string, string>(files ?? new Dictionary<string, string>()) { ["Dockerfile"] = dockerfile })
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        }
        context.Position = 0;
        var args = new Dictionary<string, string>(buildArgs ?? new Dictionary<string, string>()) { ["OS_IMAGE"] = OsImage };
        var progress = new StreamProgress("build", tag);
        await Docker.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
        {
            Tags = [tag],
            BuildArgs = args,
            NetworkMode = "host",
            Remove = true,
            ForceRemove = true,
        }, context, null, null, progress, CancellationToken.None);
        Assert.Null(progress.Error);
        var id = (await Docker.Images.InspectImageAsync(tag)).ID;
        images.Add(id);
        images.Add(tag);
        return id;
    }

    /// <summary>Tags and pushes an image into the test registry; returns (repository, digest).</summary>
    public async Task<(string Repository, string Digest)> PushAsync(string imageId, string name)
    {
        var repository = $"{Registry.Address}/{Repository}/{name}";
        await Docker.Images.TagImageAsync(imageId, new ImageTagParameters { RepositoryName = repository, Tag = RunId });
        images.Add($"{repository}:{RunId}");
        var progress = new StreamProgress("push", repository);
        await Docker.Images.PushImageAsync(repository, new ImagePushParameters { Tag = RunId },
            new AuthConfig { Username = Username, Password = Password, ServerAddress = Registry.Address }, progress);
        Assert.Null(progress.Error);
        return (repository, progress.Digest!);
    }

    public RegistryCredentials Credentials => new(Registry.Address, Username, Password);

    /// <summary>The gate as Publish makes it, on this fixture's caches (or those of <paramref name="tools"/>).</summary>
    public SupplyChainGate Gate(SupplyChainTools? tools = null, Action<IReadOnlyCollection<string>>? onSecrets = null)
    {
        tools ??= Tools;
        return new SupplyChainGate(tools.ImageScanner(Docker), tools.SecurityArchive(), Origin, Suppressions,
            "templates/secret-suppressions.yaml", onSecrets);
    }

    /// <summary>Every file the code under test wrote, as text (for "the secret is in no output").</summary>
    public IEnumerable<(string File, string Text)> OutputFiles() =>
        Directory.Exists(Paths.Output)
            ? Directory.EnumerateFiles(Paths.Output, "*", SearchOption.AllDirectories).Select(f => (f, File.ReadAllText(f)))
            : [];
}

/// <summary>Keeps every rendered log line.</summary>
public sealed class LogCapture : ILogEventSink
{
    readonly List<string> lines = [];

    public void Emit(LogEvent logEvent)
    {
        lock (lines)
            lines.Add(logEvent.RenderMessage() + (logEvent.Exception is null ? "" : " " + logEvent.Exception));
    }

    public string Text
    {
        get
        {
            lock (lines)
                return string.Join("\n", lines);
        }
    }
}
