using System.Security.Cryptography;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using UnitTests.Forges;

namespace TemplateFleet.IntegrationTests.SmallFleet;

[CollectionDefinition(Name)]
[StartsEarly(4)]
public sealed class SmallFleetCollection : ICollectionFixture<SmallFleetFixture>
{
    public const string Name = "small fleet";
}

/// <summary>
/// What ./build.sh does with a fleet, on the small fleet (<see cref="SmallFleetRepository"/>) and engine A, built
/// once and recorded phase by phase (tests/IntegrationTests/README.md):
/// <list type="bullet">
/// <item>"cascade, first run": runtime <see cref="Version"/> reaches a package index on loopback a few seconds after
/// the trigger; Cascade (signed with the development key: the default on a loopback registry) waits for it,
/// builds, gates, publishes to an htpasswd registry and opens one pull request on the Gitea fake, while sidekick
/// fails Smoke (a check that cannot pass) and keeps its old pin;</item>
/// <item>"cascade, second run": the check fixed and the forge's base moved on, the same version again;</item>
/// <item>"VerifyPins" of the pins the cascade wrote, and "VerifyPins, one pin tampered";</item>
/// <item>"two builds at once": two clones of one revision, BuildImage with different CA bundles side by side.</item>
/// </list>
/// </summary>
public sealed partial class SmallFleetFixture : IAsyncLifetime
{
    public const string Version = "1.0.7";
    /// <summary>The runtime of the two builds at once: one no other collection builds on engine A. A template's
    /// version tag (molecule-fleet/hermes:1.0.0) is one name per engine, and the real fleet reads its own under
    /// it while this fixture's clean-up removes these images, so both at 1.0.0 at the same time failed the real
    /// fleet ("no such image: molecule-fleet/hermes:1.0.0", seen with four collections at once).</summary>
    public const string TwoBuildsVersion = "1.0.2";
    public const string RuntimePackage = "molecule-ai-workspace-runtime";
    /// <summary>sidekick's cli-version check as the first cascade run has it: it cannot pass.</summary>
    public const string BrokenCheck = "'^9.9.9$'";
    public const string Username = "fleet-ci";

    public FixturePhases Phases { get; } = new(nameof(SmallFleetFixture));
    public string Scratch { get; } = RepositoryRoot.Combine("output", "tests", RunIds.New("small"));
    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>The cascade's repository: the small fleet, then sidekick's check broken and an old sidekick pin.</summary>
    public string Root { get; private set; } = "";
    public LocalRegistry Registry { get; private set; } = null!;
    public ForgeUnderTest Forge { get; } = new("gitea 1.24.3");
    public string Branch => ProposalKey.Runtime(Pep440Version.Parse(Version)).Branch;
    /// <summary>sidekick's pin before the cascade (its template failed before too, say).</summary>
    public string OldSidekickPin { get; private set; } = "";
    public BuildRun FirstCascade { get; private set; } = null!;
    /// <summary>Containers of the cascade's images left after the first run (none may be).</summary>
    public IList<ContainerListResponse> LeftAfterFirst { get; private set; } = [];
    /// <summary>What the first run wrote, read right after it: the pins in the repository and the pull request's branch.</summary>
    public IReadOnlyDictionary<string, string> PinsAfterFirst { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<string> BranchDiffAfterFirst { get; private set; } = [];
    public string? BranchPinAfterFirst { get; private set; }
    public string MovedBase { get; private set; } = "";
    public BuildRun SecondCascade { get; private set; } = null!;
    public IList<ContainerListResponse> LeftAfterSecond { get; private set; } = [];
    public BuildRun Verify { get; private set; } = null!;
    public BuildRun VerifyTampered { get; private set; } = null!;
    /// <summary>The digest the tampered hermes pin names: the base's, signed, but never as hermes.</summary>
    public string TamperedDigest { get; private set; } = "";
    public TwoBuilds Shared { get; private set; } = null!;

    string indexUrl = "";
    EmbeddedIndex? index;

    public async Task InitializeAsync()
    {
        await Phases.RunAsync("set-up", SetUpAsync);
        await Phases.RunAsync("cascade, first run", FirstCascadeAsync, "set-up");
        await Phases.RunAsync("cascade, second run", SecondCascadeAsync, "cascade, first run");
        // The bump workflow starts from the pins the cascade left (its repository a clone of them, taken first: the
        // tampered VerifyPins edits a pin in Root), side by side with what follows the cascade.
        await Phases.RunAsync("bump repository", BumpRepositoryAsync, "cascade, second run");
        await Task.WhenAll(Phases.RunAsync("bump workflow", BumpWorkflowAsync, "bump repository"), AfterTheCascadeAsync());
    }

    async Task AfterTheCascadeAsync()
    {
        await Phases.RunAsync("VerifyPins", async () =>
            Verify = await BuildScript.RunBuildAsync(Log("verify-pins"), Root, null, ["--root", Root, "VerifyPins", "--registry", Registry.Address, "--registry-username", Username, "--registry-password", Password]),
            "cascade, second run");
        await Phases.RunAsync("VerifyPins, one pin tampered", TamperedAsync, "VerifyPins");
        await Phases.RunAsync("two builds at once", TwoBuildsAsync, "set-up");
    }

    string Log(string name) => Path.Combine(Scratch, "logs", name + ".log");

    public string PinPath(string template) => Path.Combine(Root, "templates", template, PinFile.FileName);

    async Task SetUpAsync()
    {
        await EngineProvisioner.EnsureAsync(TestEngine.Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);
        await TestOsImage.EnsureAsync(); // on the engine before any build: concurrent builds never bootstrap it twice
        Root = await SmallFleetRepository.MakeAsync(Path.Combine(Scratch, "cascade"));
        await RepositoryCopy.SupplyChainToolsAsync();
        Registry = await OwnRegistry.StartAsync(Path.Combine(Scratch, "registry"), Username, Password);

        var sidekick = Path.Combine(Root, "templates", SmallFleetRepository.Sidekick, "template.yaml");
        var yaml = await File.ReadAllTextAsync(sidekick);
        var broken = yaml.Replace("stdout: '${AGENT_VERSION}'", $"stdout: {BrokenCheck}", StringComparison.Ordinal);
        if (broken == yaml)
            throw new InvalidOperationException($"{sidekick}: no cli-version check `stdout: '${{AGENT_VERSION}}'` to break");
        await File.WriteAllTextAsync(sidekick, broken);
        OldSidekickPin = PinFile.Serialize(new Pin
        {
            Template = SmallFleetRepository.Sidekick,
            Image = $"{Registry.Address}/molecule-fleet/{SmallFleetRepository.Sidekick}",
            Digest = "sha256:" + new string('a', 64),
            RuntimeVersion = Pep440Version.Parse("1.0.0"),
            Revision = "0123456789abcdef",
            PublishedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        });
        await File.WriteAllTextAsync(PinPath(SmallFleetRepository.Sidekick), OldSidekickPin);
        await Git.CommitAsync(Root, "sidekick with a check that cannot pass, and its old pin");

        index = await EmbeddedIndex.StartAsync(FleetLoader.LoadFleet(Root), [Version], Path.Combine(Scratch, "index"), CancellationToken.None, preferredPort: 0);
        indexUrl = index.SimpleUrl.ToString();
    }

    async Task FirstCascadeAsync()
    {
        var done = false;
        var released = HideUntilReleased(index!.Root, started: () => done || Forge.Fake.BranchSha(Branch) is not null);
        try
        {
            FirstCascade = await CascadeAsync("first");
        }
        finally
        {
            done = true;
            await released;
        }
        LeftAfterFirst = await ContainersOfTheVersionAsync();
        PinsAfterFirst = Directory.GetFiles(Path.Combine(Root, "templates"), PinFile.FileName, SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Root, f).Replace('\\', '/'), File.ReadAllText);
        if (Forge.Fake.BranchSha(Branch) is { } head)
        {
            BranchDiffAfterFirst = [.. Forge.Fake.BranchDiff(Branch).Order()];
            BranchPinAfterFirst = Forge.Fake.Git.ReadFile(head, $"templates/{SmallFleetRepository.Hermes}/pin.json");
        }
    }

    async Task SecondCascadeAsync()
    {
        var sidekick = Path.Combine(Root, "templates", SmallFleetRepository.Sidekick, "template.yaml");
        await File.WriteAllTextAsync(sidekick, (await File.ReadAllTextAsync(sidekick)).Replace($"stdout: {BrokenCheck}", "stdout: '${AGENT_VERSION}'", StringComparison.Ordinal));
        await Git.CommitAsync(Root, "sidekick's check fixed");
        MovedBase = Forge.Fake.AdvanceBase();
        SecondCascade = await CascadeAsync("second");
        LeftAfterSecond = await ContainersOfTheVersionAsync();
        // What the cascade's tags serve now: the bump workflow publishes hermes again under the same runtime tag.
        foreach (var template in SmallFleetRepository.Templates)
            servedAfterCascade[template] = await ReadServedDigestAsync(template);
    }

    async Task TamperedAsync()
    {
        var hermes = PinPath(SmallFleetRepository.Hermes);
        var good = await File.ReadAllTextAsync(hermes);
        TamperedDigest = PinFile.Read(PinPath("base")).Digest;
        PinFile.Write(hermes, PinFile.Read(hermes) with { Digest = TamperedDigest });
        try
        {
            VerifyTampered = await BuildScript.RunBuildAsync(Log("verify-pins-tampered"), Root, null,
                ["--root", Root, "VerifyPins", "--registry", Registry.Address, "--registry-username", Username, "--registry-password", Password]);
        }
        finally
        {
            await File.WriteAllTextAsync(hermes, good);
        }
    }

    /// <summary>Two clones of one revision of the small fleet build hermes at once on engine A, each with another CA bundle.</summary>
    async Task TwoBuildsAsync()
    {
        var first = await SmallFleetRepository.MakeAsync(Path.Combine(Scratch, "shared-a"));
        // A second clone of the same revision, in a folder of the same leaf name (the images' source label).
        var second = Path.Combine(Scratch, "shared-b", Path.GetFileName(first));
        Directory.CreateDirectory(Path.GetDirectoryName(second)!);
        await Git.RunAsync(Path.GetDirectoryName(second)!, "clone", "--quiet", first, second);
        var caA = TestCa.Create("fleet-shared-engine-test-a");
        var caB = TestCa.Create("fleet-shared-engine-test-b");
        var bundleA = await caA.WriteBundleAsync(Path.Combine(Scratch, "ca-a.pem"));
        var bundleB = await caB.WriteBundleAsync(Path.Combine(Scratch, "ca-b.pem"));
        string[] Args(string root, string bundle) => ["--root", root, "BuildImage", "--templates", SmallFleetRepository.Hermes, "--runtime-version", TwoBuildsVersion, "--ca-bundle", bundle];
        var builds = await Task.WhenAll(
            BuildScript.RunBuildAsync(Log("shared-engine-a"), first, null, Args(first, bundleA)),
            BuildScript.RunBuildAsync(Log("shared-engine-b"), second, null, Args(second, bundleB)));
        Shared = new TwoBuilds(first, second, caA, caB, builds[0], builds[1]);
    }

    Task<BuildRun> CascadeAsync(string name) =>
        BuildScript.RunBuildAsync(Log($"cascade-{name}"), Root,
            // As the generated cascade workflow passes them: secrets and the run's context through the environment.
            // The runner's own token is there too, as on a runner; FORGE_TOKEN is the one that must be used.
            new Dictionary<string, string>
            {
                ["REGISTRY_PASSWORD"] = Password,
                ["FORGE_TOKEN"] = Forge.Fake.Tokens.Bot,
                ["FORGE_API_URL"] = Forge.Fake.ApiUrl.ToString(),
                ["FORGE_REPOSITORY"] = $"{GitBackedForge.Owner}/{GitBackedForge.Repo}",
                ["GITHUB_TOKEN"] = Forge.Fake.Tokens.Actions,
            },
            ["--root", Root, "Cascade", "--runtime-version", Version,
                "--package-index", indexUrl, "--index-poll-seconds", "1", "--index-timeout-minutes", "2",
                "--registry", Registry.Address, "--registry-username", Username]);

    /// <summary>
    /// The version's JSON page appears a few seconds after Cascade started waiting for it, as on a real index after
    /// an upload: counted from the marker branch, which Cascade makes right before it waits.
    /// </summary>
    static Task HideUntilReleased(string indexRoot, Func<bool> started)
    {
        var page = Path.Combine(indexRoot, "pypi", RuntimePackage, Version);
        var hidden = page + ".unreleased";
        Directory.Move(page, hidden);
        return Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!started() && DateTime.UtcNow < deadline)
                await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Directory.Move(hidden, page);
        });
    }

    /// <summary>Containers of images of the cascade's runtime version (the cascade's own: the version is this fixture's).</summary>
    public static async Task<IList<ContainerListResponse>> ContainersOfTheVersionAsync() =>
        await TestEngine.Engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.RuntimeVersion}={Version}"] = true } },
        });

    readonly Dictionary<string, string> servedAfterCascade = [];

    /// <summary>The digest the registry served for <paramref name="template"/> at <see cref="Version"/> after the cascade.</summary>
    public async Task<string> ServedDigestAsync(string template) =>
        servedAfterCascade.TryGetValue(template, out var digest) ? digest : await ReadServedDigestAsync(template);

    public async Task<string> ReadServedDigestAsync(string template)
    {
        using var client = new RegistryClient(RegistryHost.Parse(Registry.Address), Username, Password);
        return await client.GetManifestDigestAsync($"molecule-fleet/{template}", Version, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        var docker = TestEngine.Engine.Client;
        // The cascade's images carry its runtime version; the two builds' images are named by their results.
        var images = (await docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.RuntimeVersion}={Version}"] = true } },
        })).Select(i => i.ID).ToList();
        if (Shared is not null)
            images.AddRange(Shared.ImageIds());
        foreach (var image in images.Distinct())
        {
            try
            {
                await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
            }
            catch (Docker.DotNet.DockerApiException)
            {
                // gone with another tag, or the parent of one still in use
            }
        }
        Forge.Dispose();
        BumpForge?.Dispose();
        if (bumpIndex is not null)
            await bumpIndex.DisposeAsync();
        if (index is not null)
            await index.DisposeAsync();
        if (Registry is not null)
            await Registry.StopAsync();
    }
}

/// <summary>The two builds of one revision at once (phase "two builds at once"): each clone's root, CA certificate and run.</summary>
public sealed record TwoBuilds(string RootA, string RootB, TestCa CaA, TestCa CaB, BuildRun A, BuildRun B)
{
    public Results.ResultStore ResultsA => Results.ResultStore.Open(Path.Combine(RootA, "output", "results"));
    public Results.ResultStore ResultsB => Results.ResultStore.Open(Path.Combine(RootB, "output", "results"));

    /// <summary>What the two builds made (their bases and hermes), for the clean-up.</summary>
    public IEnumerable<string> ImageIds()
    {
        foreach (var root in new[] { RootA, RootB })
        {
            var results = Path.Combine(root, "output", "results");
            if (!Directory.Exists(results))
                continue;
            var store = Results.ResultStore.Open(results);
            if (store.Build(SmallFleetRepository.Hermes)?.ImageId is { } hermes)
                yield return hermes;
            if (store.Base?.ImageId is { } image)
                yield return image;
        }
    }
}
