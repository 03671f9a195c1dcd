using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class SupplyChainRecordTests
{
    static readonly string Digest = "sha256:" + new string('a', 64);

    internal static SupplyChainRecord Sample() => new(
        new SbomReference("sha256:" + new string('1', 64), "https://spdx.dev/Document"),
        new SbomReference("sha256:" + new string('2', 64), "https://cyclonedx.org/bom"),
        new CosignReference(CosignTags.Signature(Digest), "sha256:" + new string('3', 64)),
        new CosignReference(CosignTags.Attestation(Digest), "sha256:" + new string('4', 64)),
        new PublicKeyRecord("sha256:" + new string('5', 64), Development: true),
        new SecretScanSummary(1, ["layers", "image config", "change"], "0123abc"),
        new SecurityUpgradeSummary("bookworm-security", [new PendingUpgrade("perl", "1", "2")], new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)),
        CaTrust.BuildOnly);

    [Fact]
    public void Round_trips_through_its_json()
    {
        var json = SupplyChainRecordJson.Serialize(Sample());
        var back = SupplyChainRecordJson.Parse(json, "templates/codex/pin.json");
        Assert.Equal(SupplyChainRecordJson.Serialize(back), json);
        Assert.Equal(Sample().Spdx, back.Spdx);
        Assert.Equal(Sample().SecurityUpgrades.Pending, back.SecurityUpgrades.Pending);
        Assert.Equal(CaTrust.BuildOnly, back.CaTrust);
        Assert.Contains("\"caTrust\": \"build-only\"", json);
        Assert.Contains("\"tag\": \"sha256-" + new string('a', 64) + ".sig\"", json);
    }

    [Theory]
    [InlineData("\"caTrust\": \"build-only\"", "\"caTrust\": \"always\"", "'supplyChain.caTrust' 'always' is not one of none, build-only, run-time")]
    [InlineData("\"result\": \"clean\"", "\"result\": \"refused\"", "'supplyChain.secretScan.result' must be 'clean'")]
    [InlineData("\"development\": true", "\"development\": true, \"owner\": \"x\"", "unknown key 'supplyChain.publicKey.owner' (expected fingerprint, development)")]
    [InlineData("\"predicateType\": \"https://spdx.dev/Document\"", "\"predicateType\": \"https://cyclonedx.org/bom\"", "'supplyChain.sbom.spdx.predicateType' must be https://spdx.dev/Document")]
    [InlineData(".sig\"", ".att\"", "'supplyChain.signature.tag'")]
    [InlineData("\"suppressed\": 1", "\"suppressed\": -1", "'supplyChain.secretScan.suppressed' must be a whole number of zero or more")]
    public void Every_mistake_names_the_file_and_the_key(string from, string to, string expected)
    {
        var json = SupplyChainRecordJson.Serialize(Sample());
        Assert.Contains(from, json);
        var broken = json.Replace(from, to);
        var e = Assert.Throws<SupplyChainException>(() => SupplyChainRecordJson.Parse(broken, "templates/codex/pin.json"));
        Assert.StartsWith("templates/codex/pin.json: invalid pin file: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.EndsWith("Restore the file from git or publish the template again.", e.Message);
    }

    [Fact]
    public void A_missing_object_or_a_bad_digest_is_named()
    {
        var json = SupplyChainRecordJson.Serialize(Sample());
        var noKey = json.Replace("\"publicKey\"", "\"publicKeyX\"");
        Assert.Contains("unknown key 'supplyChain.publicKeyX'", Assert.Throws<SupplyChainException>(() => SupplyChainRecordJson.Parse(noKey, "p")).Message);
        var badDigest = json.Replace("sha256:" + new string('1', 64), "sha256:XYZ");
        Assert.Contains("'supplyChain.sbom.spdx.digest' 'sha256:XYZ' is not a sha256 digest", Assert.Throws<SupplyChainException>(() => SupplyChainRecordJson.Parse(badDigest, "p")).Message);
        Assert.Contains("missing key 'supplyChain.sbom'", Assert.Throws<SupplyChainException>(() => SupplyChainRecordJson.Parse("{}", "p")).Message);
    }
}
