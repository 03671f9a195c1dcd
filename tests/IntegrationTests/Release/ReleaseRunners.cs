using System.Diagnostics;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;
using UnitTests.Forges;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>
/// Two runners on one host and what they share: engine A (the host's engine) and engine B (the second engine of
/// build/Engine/second-engine.sh, started here on an EMPTY data root of its own,
/// stopped at the end), one loopback
/// registry with htpasswd auth that both reach, the release's signing key, and the Gitea fake. Repositories are
/// <see cref="RepositoryCopy"/> copies of this checkout, which every job clones, with the compiled build as a
/// runner's cache. <see cref="ReleaseFixture"/> runs the release over them; the release benchmark uses them alone.
/// </summary>
public sealed class ReleaseRunners : IAsyncLifetime
{
    public const string RegistryUser = "fleet-release";
    public string RegistryPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    public string Scratch { get; } = RepositoryRoot.Combine("output", "tests", RunIds.New("release"));
    public static string EngineBState => RepositoryRoot.Combine("output", "release-engine-b");
    public SecondEngine EngineB { get; private set; } = null!;
    /// <summary>The tags engine B held when the release started: none (a fresh runner). Not seeded with the OS image: a
    /// layer loaded with `docker load` is held uncompressed, so the base pulled over it later lacks its compressed blob
    /// in the containerd store, and the engine's image export (which the supply chain's trivy reads) came back empty.</summary>
    public IReadOnlyList<string> TagsOnBAtStart { get; private set; } = [];
    public IDockerClient DockerA => TestEngine.Engine.Client;
    public Uri EndpointA => TestEngine.Engine.Endpoint;
    public LocalRegistry Registry { get; private set; } = null!;
    public FakeGitea Forge { get; } = new("1.24.3", new Dictionary<string, string> { ["README.md"] = "# template fleet\n" });
    /// <summary>The one signing key every job of a release is given (SIGNING_KEY, SIGNING_KEY_PASSWORD secrets): made by cosign here.</summary>
    public SigningKey SigningKey { get; private set; } = null!;
    public string SigningKeyPem { get; private set; } = "";
    /// <summary>What the runners' machine sets for every job (<see cref="WorkflowHarness.Machine"/>); none until a fixture says.</summary>
    public IReadOnlyDictionary<string, string> Machine { get; set; } = new Dictionary<string, string>();
    public WorkflowRunner A => new("A", EndpointA);
    public WorkflowRunner B => new("B", EngineB.Endpoint);

    public async Task InitializeAsync()
    {
        await EngineProvisioner.EnsureAsync(TestEngine.Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);
        await TestOsImage.EnsureAsync(); // on engine A before any build: concurrent builds never bootstrap it twice
        Registry = await OwnRegistry.StartAsync(Path.Combine(Scratch, "registry"), RegistryUser, RegistryPassword);

        // B starts EMPTY: whatever an earlier run left in its data root goes, with the engine stopped first.
        EngineB = await FreshEngineAsync(EngineBState);
        TagsOnBAtStart = [.. (await EngineB.Docker.Images.ListImagesAsync(new ImagesListParameters { All = true })).SelectMany(i => i.RepoTags ?? []).Order()];

        // trivy and cosign at their pins in this checkout (the jobs link them), and the release's signing key.
        var tools = await RepositoryCopy.SupplyChainToolsAsync();
        SigningKey = await tools.SigningKeys().DevelopmentAsync(Path.Combine(Scratch, "signing-key"), CancellationToken.None);
        SigningKeyPem = await File.ReadAllTextAsync(SigningKey.PrivateKey);

        // The compiled build, current with these sources: the runners' cache (a fresh checkout would compile it again).
        var (exit, output) = await BuildScript.RunAsync(Path.Combine(Scratch, "compile.log"), RepositoryRoot.Path, new Dictionary<string, string>(), "--help");
        if (exit != 0)
            throw new InvalidOperationException($"./build.sh --help exited {exit}:\n{BuildScript.Tail(output)}");
    }

    /// <summary>A fleet repository of its own (<see cref="RepositoryCopy"/>) in <paramref name="name"/> under the scratch folder.</summary>
    public Task<string> NewRepositoryAsync(string name) => RepositoryCopy.MakeAsync(Path.Combine(Scratch, name));

    /// <summary>The generated publish workflow run over <paramref name="repository"/>, the jobs placed on runners by <paramref name="runners"/>.</summary>
    /// <param name="registry">Another registry (host:port, same user and password) than the fixture's.</param>
    public WorkflowHarness Harness(string repository, string work, Func<string, string?, WorkflowRunner> runners, string? registry = null)
    {
        var context = new WorkflowContext();
        context.Vars["REGISTRY"] = registry ?? Registry.Address;
        context.Vars["REGISTRY_USERNAME"] = RegistryUser;
        context.Secrets["REGISTRY_PASSWORD"] = RegistryPassword;
        context.Secrets["FORGE_TOKEN"] = Forge.Tokens.Bot;
        foreach (var (name, value) in SigningSecrets)
            context.Secrets[name] = value;
        context.Vars["SIGNING_PUBLIC_KEY"] = SigningKey.PublicKeyPem;
        context.Github["api_url"] = Forge.ApiUrl.ToString();
        context.Github["repository"] = $"{GitBackedForge.Owner}/{GitBackedForge.Repo}";
        return new WorkflowHarness(PublishWorkflow, repository, work, runners, context)
        {
            CacheSource = RepositoryRoot.Path,
            CachedPaths = [".nuke/temp/bin", ".nuke/temp/build.stamp"],
            Machine = Machine,
        };
    }

    /// <summary>The signing key as the workflow's secrets hold it: its PEM text and password.</summary>
    public IReadOnlyDictionary<string, string> SigningSecrets => new Dictionary<string, string>
    {
        ["SIGNING_KEY"] = SigningKeyPem,
        ["SIGNING_KEY_PASSWORD"] = SigningKey.Password,
    };

    /// <summary>The publish workflow as the build generates it (the drift test keeps .gitea/workflows/publish.yml equal to it).</summary>
    public static string PublishWorkflow => WorkflowGenerator.Generate<Build>(RepositoryRoot.Path)[".gitea/workflows/publish.yml"];

    /// <summary>A registry of its own (same user and password), for a measurement that must push into an empty one.</summary>
    public Task<LocalRegistry> NewRegistryAsync(string name) => OwnRegistry.StartAsync(Path.Combine(Scratch, name), RegistryUser, RegistryPassword);

    /// <summary>Starts an engine (second-engine.sh) on an EMPTY data root of <paramref name="state"/>: a fresh runner.</summary>
    public static async Task<SecondEngine> FreshEngineAsync(string state)
    {
        if (Directory.Exists(state))
        {
            await Run("bash", RepositoryRoot.Combine("build", "Engine", "second-engine.sh"), "stop", state);
            await Run("rm", "-rf", "--one-file-system", state);
        }
        return await SecondEngine.StartAsync(state, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Forge.Dispose();
        if (Registry is not null)
            await Registry.StopAsync();
        if (EngineB is not null)
            await EngineB.StopAsync();
    }

    static async Task Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
    }
}

/// <summary>The release benchmark's runners (scripts/benchmark-release.sh): the environment without the release.</summary>
[CollectionDefinition(Name)]
public sealed class ReleaseRunnersCollection : ICollectionFixture<ReleaseRunners>
{
    public const string Name = "release runners";
}
