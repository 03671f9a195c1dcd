using TemplateFleet.Pins;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class PinVerifierTests : IDisposable
{
    readonly string scratch = Directory.CreateTempSubdirectory("pin-verifier-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task A_pin_without_provenance_fails_with_one_line_saying_how_to_publish_it_again_before_any_registry_is_asked()
    {
        // cosign, the registry and the security archive are never reached: a pin with nothing to hold the provenance to fails first.
        var verifier = new PinVerifier(new SignatureVerifier(new CosignCli(Path.Combine(scratch, "no-cosign"))),
            new SecurityArchive(scratch, () => [], () => null), new DebianOrigin("bookworm", []), scratch);
        var record = SupplyChainRecordTests.Sample() with { Provenance = null };
        var pin = new PinToVerify(new Pin
        {
            Template = "codex",
            Image = "127.0.0.1:5000/molecule-fleet/codex",
            Digest = "sha256:" + new string('a', 64),
            Revision = new string('c', 40),
            PublishedAt = DateTimeOffset.UnixEpoch,
            SupplyChain = record,
        }, [], "templates/codex/pin.json");

        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var result = Assert.Single(await verifier.VerifyAsync([pin], key.ExportSubjectPublicKeyInfoPem(), new RegistryCredentials("127.0.0.1:5000"), checkSecurity: true, CancellationToken.None));

        Assert.Equal("codex: the pin has no build provenance (written before provenance was attested): delete templates/codex/pin.json "
            + "and run ./build.sh Publish --templates codex to publish it again with one.", Assert.Single(result.Problems));
    }
}
