using System.Security.Cryptography.X509Certificates;
using TemplateFleet.Engine;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The repository's fleet (the base and the four templates) at runtime <see cref="RuntimeVersion"/> on engine A, built
/// with the tests' CA bundle (<see cref="CaBundle"/>: the network's certificates and RealFleet/test-network-ca.pem) once
/// per test process, by whichever fixture asks first. The real fleet's gates and the release's jobs on runner A build
/// these same images from copies of the same sources; started side by side, each built them cold (four images twice on
/// two cores: issue 18). Now the second finds every layer in engine A's cache. Only the layer cache is shared: each
/// fixture still runs its own ./build.sh in its own copy and asserts on its own results, so no class depends on
/// another having run. A failure is thrown to every caller, with this build's log.
/// </summary>
public static class FleetOnEngineA
{
    public const string RuntimeVersion = "1.0.0";

    static readonly string CaFile = RepositoryRoot.Combine("tests", "IntegrationTests", "RealFleet", "test-network-ca.pem");
    static readonly string Scratch = RepositoryRoot.Combine("output", "tests", RunIds.New("fleet-on-a"));
    static readonly Lazy<Task<BuildRun>> Build = new(BuildAsync);

    /// <summary>The tests' own CA, fixed so warm runs stay warm; the build CA bundle holds it besides the network's.</summary>
    public static TestCa Ca { get; } = new(X509Certificate2.CreateFromPem(File.ReadAllText(CaFile)), File.ReadAllText(CaFile));

    /// <summary>The build CA bundle every build of this fleet on engine A is given (written before the first build).</summary>
    public static string CaBundle { get; } = Path.Combine(Scratch, "build-ca-bundle.pem");

    /// <summary>
    /// What a runner's machine sets for the release's jobs so that their base is this one: SSL_CERT_FILE, the bundle the
    /// build reads when no --ca-bundle is given, pointed at <see cref="CaBundle"/> (a network whose TLS proxy CA the
    /// tests' CA stands in for). Only where this machine has a bundle of its own: <see cref="CaBundle"/> then holds
    /// every certificate of it, and never fewer.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RunnerMachine =>
        Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file && File.Exists(file)
            ? new Dictionary<string, string> { ["SSL_CERT_FILE"] = CaBundle }
            : new Dictionary<string, string>();

    /// <summary>The fleet built (once; later calls await the same build).</summary>
    public static Task<BuildRun> EnsureAsync() => Build.Value;

    static async Task<BuildRun> BuildAsync()
    {
        await EngineProvisioner.EnsureAsync(TestEngine.Engine, new EngineOptions(TestEngine.Paths), CancellationToken.None);
        await TestOsImage.EnsureAsync(); // on the engine before any build: concurrent builds never bootstrap it twice
        await Ca.WriteBundleAsync(CaBundle);
        var root = await RepositoryCopy.MakeAsync(Path.Combine(Scratch, "fleet"));
        var run = await BuildScript.RunBuildAsync(Path.Combine(Scratch, "build.log"), root, null,
            ["--root", root, "BuildImage", "--runtime-version", RuntimeVersion, "--ca-bundle", CaBundle]);
        if (run.Exit != 0)
            throw new InvalidOperationException($"the fleet on engine A at {RuntimeVersion}, whose layers the real fleet and the release build from, did not build:\n{run.Describe()}");
        return run;
    }
}
