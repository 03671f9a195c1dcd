using System.Diagnostics;
using System.Security.Cryptography;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Results;

namespace TemplateFleet.IntegrationTests.Release;

/// <summary>
/// A shared engine (a runner of capacity 2, or two clones of one revision): two builds at once with different
/// parameters, here another CA bundle, each end with their own images: every reference a stage uses comes from its
/// own results (image ids), and the tags the build relies on carry the inputs address. Seen before: both clones wrote
/// molecule-fleet/base:&lt;sha&gt; and :latest, so each clone's tag named the other's image.
/// </summary>
[Collection(ReleaseCollection.Name)]
[Trait("Category", "Release")]
public sealed class SharedEngineTests(ReleaseFixture fx)
{
    /// <summary>Where the base keeps the build network's bundle (Debian's store plus --ca-bundle) for build steps.</summary>
    const string CaFile = BuildArgs.BuildCaBundlePath;

    [Fact]
    public async Task Two_builds_at_once_with_different_CA_bundles_each_end_with_their_own_images()
    {
        var first = await fx.NewRepositoryAsync("shared-a");
        // A second clone of the same revision, in a folder of the same leaf name (the images' source label).
        var second = Path.Combine(fx.Scratch, "shared-b", Path.GetFileName(first));
        Directory.CreateDirectory(Path.GetDirectoryName(second)!);
        await ReleaseFixture.Git(Path.GetDirectoryName(second)!, "clone", "--quiet", first, second);
        Assert.Equal(await ReleaseFixture.Git(first, "rev-parse", "HEAD"), await ReleaseFixture.Git(second, "rev-parse", "HEAD"));

        var host = Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file && File.Exists(file) ? await File.ReadAllTextAsync(file) : "";
        var bundleA = Path.Combine(fx.Scratch, "ca-a.pem");
        var bundleB = Path.Combine(fx.Scratch, "ca-b.pem");
        var certA = await SelfSignedAsync("fleet-release-test-a");
        var certB = await SelfSignedAsync("fleet-release-test-b");
        await File.WriteAllTextAsync(bundleA, host + certA);
        await File.WriteAllTextAsync(bundleB, host + certB);

        // At once, on engine A, as two jobs of a runner with capacity 2 would.
        var builds = await Task.WhenAll(
            BuildScript.RunAsync("shared-engine-a.log", first, new Dictionary<string, string>(), "BuildImage", "--templates", "hermes", "--runtime-version", "1.0.0", "--ca-bundle", bundleA),
            BuildScript.RunAsync("shared-engine-b.log", second, new Dictionary<string, string>(), "BuildImage", "--templates", "hermes", "--runtime-version", "1.0.0", "--ca-bundle", bundleB));
        Assert.True(builds[0].Exit == 0, BuildScript.Tail(builds[0].Output));
        Assert.True(builds[1].Exit == 0, BuildScript.Tail(builds[1].Output));

        var a = ResultStore.Open(Path.Combine(first, "output", "results"));
        var b = ResultStore.Open(Path.Combine(second, "output", "results"));
        Assert.NotEqual(a.Base!.ImageId, b.Base!.ImageId);
        Assert.NotEqual(a.Base.Inputs, b.Base.Inputs);
        var hermesA = a.Build("hermes")!;
        var hermesB = b.Build("hermes")!;
        Assert.Equal(a.Base.ImageId, hermesA.Base); // each built FROM its own base
        Assert.Equal(b.Base.ImageId, hermesB.Base);
        Assert.NotEqual(hermesA.ImageId, hermesB.ImageId);

        // Each image holds its own bundle, not the other's.
        var inA = await BundleInImageAsync(hermesA.ImageId!);
        var inB = await BundleInImageAsync(hermesB.ImageId!);
        Assert.Contains(certA.Trim(), inA);
        Assert.DoesNotContain(certB.Trim(), inA);
        Assert.Contains(certB.Trim(), inB);
        Assert.DoesNotContain(certA.Trim(), inB);
        // The tags each build relies on carry its inputs and name its own images, whatever the other did.
        Assert.Equal(hermesA.ImageId, (await fx.DockerA.Images.InspectImageAsync(hermesA.Tags[0])).ID);
        Assert.Equal(hermesB.ImageId, (await fx.DockerA.Images.InspectImageAsync(hermesB.Tags[0])).ID);
        Assert.NotEqual(hermesA.Tags[0], hermesB.Tags[0]);
        Assert.Equal(a.Base.ImageId, (await fx.DockerA.Images.InspectImageAsync(a.Base.Tags[0])).ID);
        Assert.Equal(b.Base.ImageId, (await fx.DockerA.Images.InspectImageAsync(b.Base.Tags[0])).ID);
        Assert.EndsWith(ReleaseInputs.Short(a.Base.Inputs!), a.Base.Tags[0]);
    }

    async Task<string> BundleInImageAsync(string image)
    {
        var (exit, output) = await new ImageVerifier(fx.DockerA).RunAsync(image, "shared-engine", RunIds.New("shared"), ["cat", CaFile], CancellationToken.None);
        Assert.True(exit == 0, output);
        return output.ReplaceLineEndings("\n");
    }

    static async Task<string> SelfSignedAsync(string name)
    {
        var dir = Directory.CreateTempSubdirectory("ca-").FullName;
        try
        {
            var start = new ProcessStartInfo("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(dir, "key.pem"),
                "-out", Path.Combine(dir, "cert.pem"), "-days", "1", "-subj", $"/CN={name}"])
            { RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, error);
            return await File.ReadAllTextAsync(Path.Combine(dir, "cert.pem"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
