using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.SmallFleet;

/// <summary>
/// A shared engine (a runner of capacity 2, or two clones of one revision): two builds at once with different
/// parameters, here another CA bundle, each end with their own images (phase "two builds at once" of
/// <see cref="SmallFleetFixture"/>): every reference a stage uses comes from its own results (image ids), and the
/// tags the build relies on carry the inputs address. Seen before: both clones wrote molecule-fleet/base:&lt;sha&gt;
/// and :latest, so each clone's tag named the other's image.
/// </summary>
[Collection(SmallFleetCollection.Name)]
public sealed class SharedEngineTests(SmallFleetFixture fx)
{
    [Fact]
    public async Task Two_builds_at_once_with_different_CA_bundles_each_end_with_their_own_images()
    {
        fx.Phases.Require("two builds at once");
        var shared = fx.Shared;
        shared.A.AssertSucceeded();
        shared.B.AssertSucceeded();
        Assert.Equal(await Git.HeadAsync(shared.RootA), await Git.HeadAsync(shared.RootB));

        var (a, b) = (shared.ResultsA, shared.ResultsB);
        Assert.NotEqual(a.Base!.ImageId, b.Base!.ImageId);
        Assert.NotEqual(a.Base.Inputs, b.Base.Inputs);
        var hermesA = a.Build(SmallFleetRepository.Hermes)!;
        var hermesB = b.Build(SmallFleetRepository.Hermes)!;
        Assert.Equal(a.Base.ImageId, hermesA.Base); // each built FROM its own base
        Assert.Equal(b.Base.ImageId, hermesB.Base);
        Assert.NotEqual(hermesA.ImageId, hermesB.ImageId);

        // Each image holds its own bundle, not the other's.
        var inA = await BundleInImageAsync(hermesA.ImageId!);
        var inB = await BundleInImageAsync(hermesB.ImageId!);
        Assert.True(shared.CaA.IsIn(inA) && !shared.CaB.IsIn(inA), "hermes of clone A holds the wrong build CA bundle");
        Assert.True(shared.CaB.IsIn(inB) && !shared.CaA.IsIn(inB), "hermes of clone B holds the wrong build CA bundle");
        // The tags each build relies on carry its inputs and name its own images, whatever the other did.
        var docker = TestEngine.Engine.Client;
        Assert.Equal(hermesA.ImageId, (await docker.Images.InspectImageAsync(hermesA.Tags[0])).ID);
        Assert.Equal(hermesB.ImageId, (await docker.Images.InspectImageAsync(hermesB.Tags[0])).ID);
        Assert.NotEqual(hermesA.Tags[0], hermesB.Tags[0]);
        Assert.Equal(a.Base.ImageId, (await docker.Images.InspectImageAsync(a.Base.Tags[0])).ID);
        Assert.Equal(b.Base.ImageId, (await docker.Images.InspectImageAsync(b.Base.Tags[0])).ID);
        Assert.EndsWith(ReleaseInputs.Short(a.Base.Inputs!), a.Base.Tags[0]);
    }

    static async Task<string> BundleInImageAsync(string image)
    {
        var (exit, output) = await new ImageVerifier(TestEngine.Engine.Client).RunAsync(image, "shared-engine", RunIds.New("shared"), ["cat", BuildArgs.BuildCaBundlePath], CancellationToken.None);
        Assert.True(exit == 0, output);
        return output;
    }
}
