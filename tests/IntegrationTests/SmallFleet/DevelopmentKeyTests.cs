using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.PullRequests;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.IntegrationTests.SmallFleet;

/// <summary>
/// The supply chain of ./build.sh as a developer runs it against a loopback registry, with no key given: the small
/// fleet's cascade (<see cref="SmallFleetFixture"/>) publishes the base, hermes and sidekick signed and attested with
/// the development key and pins each with its supplyChain record; VerifyPins then verifies them with that key, and
/// fails naming the missing signature once a pin names a digest the key never signed for that template. (A release's
/// own key: ReleaseWorkflowTests; each tampered case of the verifier: SigningTests.)
/// </summary>
[Collection(SmallFleetCollection.Name)]
public sealed class DevelopmentKeyTests(SmallFleetFixture fx)
{
    static readonly string[] Published = ["base", SmallFleetRepository.Hermes, SmallFleetRepository.Sidekick];

    string KeyPassword => File.ReadAllText(Path.Combine(fx.Root, "output", "supply-chain", "development-key", SigningKeys.PasswordFile)).Trim();

    [Fact]
    public void Publish_signs_with_the_development_key_and_pins_the_supply_chain_record()
    {
        fx.Phases.Require("cascade, first run", "cascade, second run");
        Assert.Contains($"{SmallFleetRepository.Hermes}: no pending security upgrade (bookworm-security; docker-cli from trixie-security)", fx.FirstCascade.Output);
        foreach (var template in Published)
        {
            var pin = PinFile.Read(fx.PinPath(template));
            var record = pin.SupplyChain;
            Assert.True(record is not null, $"{template}'s pin has no supplyChain record");
            Assert.Equal(CosignTags.Signature(pin.Digest), record.Signature.Tag);
            Assert.Equal(CosignTags.Attestation(pin.Digest), record.Attestation.Tag);
            Assert.True(record.PublicKey.Development, $"{template} is not signed with the development key");
            Assert.Equal(CaTrust.BuildOnly, record.CaTrust);
            Assert.Empty(record.SecurityUpgrades.Pending);
            Assert.Equal(["layers", "image config", "change"], record.SecretScan.Scanned);
        }
        Assert.DoesNotContain(KeyPassword, fx.FirstCascade.Output);
        Assert.DoesNotContain(KeyPassword, fx.SecondCascade.Output);
    }

    [Fact]
    public void VerifyPins_verifies_every_pin_with_the_development_key()
    {
        fx.Phases.Require("VerifyPins");
        fx.Verify.AssertSucceeded(40);
        // VerifyPins verifies the templates' pins (each names the base it was built FROM).
        var templates = SmallFleetRepository.Templates.Length;
        Assert.Contains($"verified {templates}/{templates} pins", fx.Verify.Output);
        Assert.All(SmallFleetRepository.Templates, t => Assert.Contains($"VerifyPins: {t} verified", fx.Verify.Output));
        Assert.DoesNotContain(KeyPassword, fx.Verify.Output);
    }

    [Fact]
    public void VerifyPins_fails_a_pin_whose_digest_the_key_never_signed_for_its_template_naming_the_missing_signature()
    {
        fx.Phases.Require("VerifyPins, one pin tampered");
        var run = fx.VerifyTampered;
        Assert.True(run.Exit == 1, run.Describe(40));
        Assert.Contains($"the tag {CosignTags.Signature(fx.TamperedDigest)} is missing", run.Output);
        Assert.Contains($"verified {SmallFleetRepository.Templates.Length - 1}/{SmallFleetRepository.Templates.Length} pins", run.Output);
        Assert.DoesNotContain(KeyPassword, run.Output);
    }
}
