using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.Pins;
using TemplateFleet.Registry;
using TemplateFleet.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// The supply chain inside the README's Publish, for real: the base and codex built from this repository, gated
/// (SBOM versions, secret scan, security upgrades), pushed to a registry of the test's own on loopback, signed and
/// attested with the development key, and pinned with their supplyChain records; then VerifyPins passes, and
/// fails naming the missing signature once the pin names a digest that key never signed for codex. In the checkout
/// (the change scan reads its git history); the development pins are removed at the end.
/// </summary>
[Trait("Category", "RealFleet")]
public sealed class PublishSupplyChainTests : IAsyncLifetime
{
    readonly string scratch = Directory.CreateTempSubdirectory("publish-supply-").FullName;
    LocalRegistry registry = null!;
    // The checkout itself (the change scan needs its git history); the pins this test writes are removed again.
    static string Root => RepositoryRoot.Path;
    static readonly string[] Pins = [Path.Combine(Root, "templates", "base", PinFile.FileName), Path.Combine(Root, "templates", "codex", PinFile.FileName)];

    public async Task InitializeAsync()
    {
        Assert.All(Pins, p => Assert.False(File.Exists(p), $"{p} exists: this test writes development pins and removes them, so it runs only where there are none"));
        registry = await OwnRegistry.StartAsync(Path.Combine(scratch, "registry"));
    }

    public async Task DisposeAsync()
    {
        foreach (var pin in Pins)
            File.Delete(pin);
        await registry.StopAsync();
        Directory.Delete(scratch, recursive: true);
    }

    Task<(int Exit, string Output)> RunAsync(string log, params string[] args) =>
        BuildScript.RunAsync(log, Root, new Dictionary<string, string>(), ["--root", Root, .. args, "--templates", "codex", "--registry", registry.Address]);

    [Fact]
    public async Task Publish_signs_and_pins_with_the_supply_chain_record_and_VerifyPins_checks_it()
    {
        var (exit, output) = await RunAsync("publish-supply-chain.log", "Publish", "--runtime-version", "1.0.0");
        Assert.True(exit == 0, $"./build.sh Publish exited {exit}; log: output/tests/publish-supply-chain.log\n{BuildScript.Tail(output, 80)}");
        Assert.Contains("published 1/1 templates", output);
        Assert.Contains("codex: no pending security upgrade (bookworm-security)", output);

        foreach (var pinFile in new[] { Path.Combine(Root, "templates", "base", PinFile.FileName), Path.Combine(Root, "templates", "codex", PinFile.FileName) })
        {
            var pin = PinFile.Read(pinFile);
            var record = pin.SupplyChain;
            Assert.True(record is not null, $"{pinFile} has no supplyChain record");
            Assert.Equal(CosignTags.Signature(pin.Digest), record.Signature.Tag);
            Assert.Equal(CosignTags.Attestation(pin.Digest), record.Attestation.Tag);
            Assert.True(record.PublicKey.Development);
            Assert.Equal(CaTrust.BuildOnly, record.CaTrust);
            Assert.Empty(record.SecurityUpgrades.Pending);
            Assert.Equal(["layers", "image config", "change"], record.SecretScan.Scanned);
        }
        var password = File.ReadAllText(Path.Combine(Root, "output", "supply-chain", "development-key", SigningKeys.PasswordFile)).Trim();
        Assert.DoesNotContain(password, output);

        (exit, output) = await RunAsync("verify-pins.log", "VerifyPins");
        Assert.True(exit == 0, $"./build.sh VerifyPins exited {exit}\n{BuildScript.Tail(output, 40)}");
        Assert.Contains("verified 1/1 pins", output);

        // A digest this key never signed as codex: the base's, pushed and signed, but under another repository.
        var codexPin = Path.Combine(Root, "templates", "codex", PinFile.FileName);
        var tampered = PinFile.Read(codexPin) with { Digest = PinFile.Read(Path.Combine(Root, "templates", "base", PinFile.FileName)).Digest };
        PinFile.Write(codexPin, tampered);
        (exit, output) = await RunAsync("verify-pins-tampered.log", "VerifyPins");
        Assert.Equal(1, exit);
        Assert.Contains($"the tag {CosignTags.Signature(tampered.Digest)} is missing", output);
        Assert.Contains("verified 0/1 pins", output);
        Assert.DoesNotContain(password, output);
    }
}
