using TemplateFleet.Fleet;
using TemplateFleet.Pins;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

/// <summary>The supply chain's record as the pin's "supplyChain": written with the pin, read back equal, strict on read.</summary>
public sealed class SupplyChainRecordTests : IDisposable
{
    static readonly string Digest = "sha256:" + new string('a', 64);
    readonly string dir = Directory.CreateTempSubdirectory("pin-supply-chain-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    internal static SupplyChainRecord Sample() => new(
        new SbomReferences(new SbomReference("sha256:" + new string('1', 64), "https://spdx.dev/Document"),
            new SbomReference("sha256:" + new string('2', 64), "https://cyclonedx.org/bom")),
        new CosignReference(CosignTags.Signature(Digest), "sha256:" + new string('3', 64)),
        new CosignReference(CosignTags.Attestation(Digest), "sha256:" + new string('4', 64)),
        new PublicKeyRecord("sha256:" + new string('5', 64), Development: true),
        new SecretScanSummary(1, ["layers", "image config", "change"], "0123abc"),
        new SecurityUpgradeSummary("bookworm-security", [new PendingUpgrade("perl", "1", "2")], new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)),
        CaTrust.BuildOnly,
        new ProvenanceReference("sha256:" + new string('6', 64), Provenance.PredicateType));

    static Pin Pin(SupplyChainRecord record) => new()
    {
        Template = "codex",
        Image = "127.0.0.1:5000/molecule-fleet/codex",
        Digest = Digest,
        Revision = "4f2a9c1",
        PublishedAt = new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero),
        SupplyChain = record,
    };

    [Fact]
    public void A_pin_with_its_supply_chain_record_reads_back_equal_and_nests_it_under_supplyChain()
    {
        var path = Path.Combine(dir, PinFile.FileName);
        var pin = Pin(Sample());

        PinFile.Write(path, pin);
        var read = PinFile.Read(path);

        Assert.Equal(pin, read);
        Assert.Equal(Sample().Sbom, read.SupplyChain!.Sbom);
        Assert.Equal(Sample().SecurityUpgrades.Pending, read.SupplyChain.SecurityUpgrades.Pending);
        Assert.Equal(CaTrust.BuildOnly, read.SupplyChain.CaTrust);
        var json = File.ReadAllText(path);
        Assert.Contains("\"caTrust\": \"build-only\"", json);
        Assert.Contains("\"tag\": \"sha256-" + new string('a', 64) + ".sig\"", json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("build-only", document.RootElement.GetProperty("supplyChain").GetProperty("caTrust").GetString());
    }

    [Fact]
    public void The_record_has_the_documented_shape()
    {
        var json = PinFile.Serialize(Pin(Sample()));
        Assert.EndsWith("""
              "publishedAt": "2026-12-01T13:00:00Z",
              "supplyChain": {
                "sbom": {
                  "spdx": {
                    "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
                    "predicateType": "https://spdx.dev/Document"
                  },
                  "cyclonedx": {
                    "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
                    "predicateType": "https://cyclonedx.org/bom"
                  }
                },
                "signature": {
                  "tag": "sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sig",
                  "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333"
                },
                "attestation": {
                  "tag": "sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.att",
                  "digest": "sha256:4444444444444444444444444444444444444444444444444444444444444444"
                },
                "publicKey": {
                  "fingerprint": "sha256:5555555555555555555555555555555555555555555555555555555555555555",
                  "development": true
                },
                "secretScan": {
                  "result": "clean",
                  "suppressed": 1,
                  "scanned": [
                    "layers",
                    "image config",
                    "change"
                  ],
                  "changeBase": "0123abc"
                },
                "securityUpgrades": {
                  "suite": "bookworm-security",
                  "pending": [
                    {
                      "package": "perl",
                      "installed": "1",
                      "candidate": "2"
                    }
                  ],
                  "checkedAt": "2026-12-01T10:00:00Z"
                },
                "caTrust": "build-only",
                "provenance": {
                  "digest": "sha256:6666666666666666666666666666666666666666666666666666666666666666",
                  "predicateType": "https://slsa.dev/provenance/v1"
                }
              }
            }

            """.ReplaceLineEndings("\n"), json);
    }

    [Theory]
    [InlineData("\"caTrust\": \"build-only\"", "\"caTrust\": \"always\"", "'supplyChain.caTrust' 'always' is not one of none, build-only, run-time")]
    [InlineData("\"result\": \"clean\"", "\"result\": \"refused\"", "'supplyChain.secretScan.result' must be 'clean'")]
    [InlineData("\"development\": true", "\"development\": true, \"owner\": \"x\"", "unknown key 'supplyChain.publicKey.owner' (expected fingerprint, development)")]
    [InlineData("\"predicateType\": \"https://spdx.dev/Document\"", "\"predicateType\": \"https://cyclonedx.org/bom\"", "'supplyChain.sbom.spdx.predicateType' must be https://spdx.dev/Document")]
    [InlineData(".sig\"", ".att\"", "'supplyChain.signature.tag'")]
    [InlineData("\"https://slsa.dev/provenance/v1\"", "\"https://slsa.dev/provenance/v0.2\"", "'supplyChain.provenance.predicateType' must be https://slsa.dev/provenance/v1")]
    [InlineData("sha256:6666666666666666666666666666666666666666666666666666666666666666", "sha256:6", "'supplyChain.provenance.digest' 'sha256:6' is not a sha256 digest")]
    [InlineData("\"suppressed\": 1", "\"suppressed\": -1", "'supplyChain.secretScan.suppressed' must be a whole number of zero or more")]
    [InlineData("\"publicKey\"", "\"publicKeyX\"", "unknown key 'supplyChain.publicKeyX'")]
    [InlineData("sha256:1111111111111111111111111111111111111111111111111111111111111111", "sha256:XYZ", "'supplyChain.sbom.spdx.digest' 'sha256:XYZ' is not a sha256 digest")]
    public void Every_mistake_names_the_file_and_the_key(string from, string to, string expected)
    {
        var json = PinFile.Serialize(Pin(Sample()));
        Assert.Contains(from, json);

        var e = Assert.ThrowsAny<FleetException>(() => PinFile.Parse(json.Replace(from, to), "templates/codex/pin.json"));

        Assert.StartsWith("templates/codex/pin.json: invalid pin file: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.EndsWith("Restore the file from git or publish the template again.", e.Message);
    }

    [Fact]
    public void A_missing_object_is_named()
    {
        var json = PinFile.Serialize(Pin(Sample()));
        var empty = json[..json.IndexOf("\"supplyChain\": {", StringComparison.Ordinal)] + "\"supplyChain\": {}\n}\n";

        Assert.Contains("missing key 'supplyChain.sbom'", Assert.ThrowsAny<FleetException>(() => PinFile.Parse(empty, "p")).Message);
    }
}
