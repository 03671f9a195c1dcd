using System.Diagnostics;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Host;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Pins;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;
using TemplateFleet.Tools;
using UnitTests.Forges;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>
/// Two runners on one host and what they share: engine A (the host's engine) and engine B (the second engine of
/// build/Engine/second-engine.sh, started here on an EMPTY data root of its own, stopped at the end), one loopback
/// registry with htpasswd auth that both reach, and the Gitea fake. Also the fleet repository as a forge would
/// hold it: a git repository made from this checkout (what git tracks, without tests and pins), which every job
/// clones, with the compiled build as a runner's cache.
/// </summary>
public sealed class ReleaseFixture : IAsyncLifetime
{
    public const string RegistryUser = "fleet-release";
    public string RegistryPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    public string Scratch { get; } = RepositoryRoot.Combine("output", "tests", RunIds.New("release"));
    public static string EngineBState => RepositoryRoot.Combine("output", "release-engine-b");
    public SecondEngine EngineB { get; private set; } = null!;
    public IDockerClient DockerA => TestEngine.Engine.Client;
    public Uri EndpointA => TestEngine.Engine.Endpoint;
    public LocalRegistry Registry { get; private set; } = null!;
    public FakeGitea Forge { get; } = new("1.24.3", new Dictionary<string, string> { ["README.md"] = "# template fleet\n" });
    /// <summary>The one signing key every job of a release is given (SIGNING_KEY, SIGNING_KEY_PASSWORD secrets): made by cosign here.</summary>
    public SigningKey SigningKey { get; private set; } = null!;
    public string SigningKeyPem { get; private set; } = "";
    /// <summary>The supply chain's tools, installed in this checkout; the jobs' checkouts link them (a runner's tool cache).</summary>
    public static readonly string[] SupplyChainToolFolders = [".nuke/tools/trivy", ".nuke/tools/cosign"];
    /// <summary>When the test started: engine B's events after it are this test's.</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        await EngineProvisioner.EnsureAsync(TestEngine.Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);
        Registry = await RegistryProvisioner.EnsureAsync(new RegistryProvisionOptions
        {
            Directory = Path.Combine(Scratch, "registry"),
            Port = global::IntegrationTests.Publishing.RegistryFixture.FreePort(),
            Username = RegistryUser,
            Password = RegistryPassword,
        }, CancellationToken.None);
        Assert.True(Registry.StartedHere, "the release test's registry must be its own");

        // B starts EMPTY: whatever an earlier run left in its data root goes, with the engine stopped first.
        EngineB = await FreshEngineAsync(EngineBState);
        Assert.Empty(await EngineB.Docker.Images.ListImagesAsync(new ImagesListParameters { All = true }));

        // trivy and cosign at their pins in this checkout (the jobs link them), and the release's signing key.
        var tools = await SupplyChainTools.EnsureAsync(ToolInstaller.ForRepository(RepositoryRoot.Path), new RunPaths(RepositoryRoot.Path, Path.Combine(Scratch, "output")), CancellationToken.None);
        SigningKey = await tools.SigningKeys().DevelopmentAsync(Path.Combine(Scratch, "signing-key"), CancellationToken.None);
        SigningKeyPem = await File.ReadAllTextAsync(SigningKey.PrivateKey);

        // The compiled build, current with these sources: the runners' cache (a fresh checkout would compile it again).
        var (exit, output) = await BuildScript.RunAsync("release-compile.log", RepositoryRoot.Path, new Dictionary<string, string>(), "--help");
        Assert.True(exit == 0, output);
    }

    /// <summary>A fleet repository of its own, from this checkout: git's files without tests/ and pins, one commit.</summary>
    public async Task<string> NewRepositoryAsync(string name)
    {
        var root = Path.Combine(Scratch, name, Path.GetFileName(RepositoryRoot.Path));
        var files = (await Git(RepositoryRoot.Path, "ls-files", "-co", "--exclude-standard")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => !f.StartsWith("tests/", StringComparison.Ordinal) && Path.GetFileName(f) != PinFile.FileName && File.Exists(Path.Combine(RepositoryRoot.Path, f)));
        foreach (var file in files)
        {
            var target = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepositoryRoot.Path, file), target); // modes come along (build.sh stays executable)
        }
        await Git(root, "init", "--quiet", "--initial-branch=main");
        await CommitAsync(root, "the fleet");
        return root;
    }

    public static async Task CommitAsync(string root, string message)
    {
        await Git(root, "add", "-A");
        await Git(root, "-c", "user.name=Release test", "-c", "user.email=release-test@localhost", "commit", "--quiet", "--allow-empty", "-m", message);
    }

    public static async Task<string> Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output;
    }

    /// <summary>The generated publish workflow run over this repository: base on A, hermes and claude-code on B (the cheap ones), the rest on A.</summary>
    /// <param name="runners">Another placement of the jobs (job, matrix value) than that.</param>
    /// <param name="registry">Another registry (host:port, same user and password) than the fixture's.</param>
    public WorkflowHarness Harness(string repository, string generatedWorkflow, string work, Func<string, string?, WorkflowRunner>? runners = null, string? registry = null)
    {
        var a = new WorkflowRunner("A", EndpointA);
        var b = new WorkflowRunner("B", EngineB.Endpoint);
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
        return new WorkflowHarness(generatedWorkflow, repository, work, runners ?? ((job, matrix) => matrix is "hermes" or "claude-code" ? b : a), context)
        {
            CacheSource = RepositoryRoot.Path,
            CachedPaths = [".nuke/temp/bin", ".nuke/temp/build.stamp"],
            SharedPaths = SupplyChainToolFolders,
        };
    }

    /// <summary>The signing key as the workflow's secrets hold it: its PEM text and password.</summary>
    public IReadOnlyDictionary<string, string> SigningSecrets => new Dictionary<string, string>
    {
        ["SIGNING_KEY"] = SigningKeyPem,
        ["SIGNING_KEY_PASSWORD"] = SigningKey.Password,
    };

    /// <summary>Links this checkout's trivy and cosign into <paramref name="checkout"/>, as the jobs' checkouts have them.</summary>
    public static void LinkSupplyChainTools(string checkout)
    {
        foreach (var folder in SupplyChainToolFolders)
            WorkflowHarness.Link(RepositoryRoot.Combine(folder), Path.Combine(checkout, folder));
    }

    /// <summary>The publish workflow as the build generates it (the drift test keeps .gitea/workflows/publish.yml equal to it).</summary>
    public static string PublishWorkflow => WorkflowGenerator.Generate<Build>(RepositoryRoot.Path)[".gitea/workflows/publish.yml"];

    /// <summary>A registry of its own (same user and password), for a measurement that must push into an empty one.</summary>
    public async Task<LocalRegistry> NewRegistryAsync(string name) => await RegistryProvisioner.EnsureAsync(new RegistryProvisionOptions
    {
        Directory = Path.Combine(Scratch, name),
        Port = global::IntegrationTests.Publishing.RegistryFixture.FreePort(),
        Username = RegistryUser,
        Password = RegistryPassword,
    }, CancellationToken.None);

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
        await Registry.StopAsync();
        await EngineB.StopAsync();
    }

    static async Task Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error}");
    }
}

[CollectionDefinition(Name)]
public sealed class ReleaseCollection : ICollectionFixture<ReleaseFixture>
{
    public const string Name = "release";
}
