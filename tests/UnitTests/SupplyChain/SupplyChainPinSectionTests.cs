using TemplateFleet.Pins;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

/// <summary>The supply chain's record as the pin's "supplyChain" section: written by PinFile, read back equal, strict on read.</summary>
public sealed class SupplyChainPinSectionTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("pin-section-").FullName;

    public SupplyChainPinSectionTests() => SupplyChainPinSection.Register();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static Pin Pin(SupplyChainRecord record) => new()
    {
        Template = "codex",
        Image = "127.0.0.1:5000/molecule-fleet/codex",
        Digest = "sha256:" + new string('a', 64),
        Revision = "4f2a9c1",
        PublishedAt = new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero),
        Sections = [new SupplyChainPinSection(record)],
    };

    [Fact]
    public void A_pin_with_its_supply_chain_record_reads_back_equal_and_nests_it_under_supplyChain()
    {
        var path = Path.Combine(dir, PinFile.FileName);
        var pin = Pin(SupplyChainRecordTests.Sample());

        PinFile.Write(path, pin);
        var read = PinFile.Read(path);

        Assert.Equal(pin, read);
        Assert.Equal(SupplyChainRecordJson.Serialize(SupplyChainRecordTests.Sample()), SupplyChainRecordJson.Serialize(read.Section<SupplyChainPinSection>()!.Record));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("build-only", json.RootElement.GetProperty("supplyChain").GetProperty("caTrust").GetString());
    }

    [Fact]
    public void A_broken_section_is_named_by_file_and_key()
    {
        var path = Path.Combine(dir, PinFile.FileName);
        PinFile.Write(path, Pin(SupplyChainRecordTests.Sample()));
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"caTrust\": \"build-only\"", "\"caTrust\": \"sometimes\"", StringComparison.Ordinal));

        var e = Assert.ThrowsAny<TemplateFleet.Fleet.FleetException>(() => PinFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("caTrust", e.Message);
    }
}
