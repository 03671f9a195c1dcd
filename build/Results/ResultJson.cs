using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TemplateFleet.Pins;

namespace TemplateFleet.Results;

/// <summary>How result records look as JSON: camelCase, enums as camelCase words, durations in seconds, pins in
/// their own v2 format, and strict on reading (an unknown key or a missing one is an error).</summary>
internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false), new SecondsConverter(), new PinConverter(), new PinJson.Pep440() },
    };

    /// <summary>A duration as seconds (3 decimals), the unit people read in a results file.</summary>
    sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new JsonException("a duration must be a number of seconds, 0 or more");

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteRawValue(Math.Round(value.TotalSeconds, 3).ToString("0.###", CultureInfo.InvariantCulture));
    }

    /// <summary>The pin inside a publish result, in the pin file's own format and options (PinJson), read by PinFile.</summary>
    sealed class PinConverter : JsonConverter<Pin>
    {
        public override Pin Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var pin = JsonElement.ParseValue(ref reader);
            try
            {
                return PinFile.Read(pin, "pin");
            }
            catch (Fleet.FleetException e)
            {
                throw new JsonException(e.Message);
            }
        }

        public override void Write(Utf8JsonWriter writer, Pin value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value with { SchemaVersion = Pin.CurrentSchemaVersion }, PinJson.Options);
    }
}
