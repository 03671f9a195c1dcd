using System.Text.Json;
using TemplateFleet.Pins;

namespace TemplateFleet.SupplyChain;

/// <summary>The pin's "supplyChain" object: this folder's record, written and read by <see cref="SupplyChainRecordJson"/>.</summary>
public sealed record SupplyChainPinSection(SupplyChainRecord Record) : IPinSection
{
    public string Key => SupplyChainRecordJson.Key;

    public void WriteValue(Utf8JsonWriter writer) => SupplyChainRecordJson.Write(writer, Record);

    /// <summary>Makes the key known to the pin reader; idempotent, called before any pin is read.</summary>
    public static void Register() => PinSections.Register(SupplyChainRecordJson.Key, Read);

    static IPinSection Read(JsonElement value, string file) => new SupplyChainPinSection(SupplyChainRecordJson.Read(value, file));
}
