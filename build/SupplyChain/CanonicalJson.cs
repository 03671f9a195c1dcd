using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// One byte form per JSON document: object keys sorted (ordinal), no white space, numbers as written.
/// cosign re-serialises an attested predicate (Go sorts map keys), so the SBOM file, the digest in the pin
/// and the predicate read back from the registry are compared in this form, never byte for byte as written.
/// </summary>
public static class CanonicalJson
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        return Canonicalize(document.RootElement);
    }

    public static byte[] Canonicalize(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
            Write(writer, element);
        return buffer.ToArray();
    }

    /// <summary>"sha256:&lt;hex&gt;" of the canonical form.</summary>
    public static string Digest(byte[] canonical) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(canonical));

    public static string Digest(JsonElement element) => Digest(Canonicalize(element));

    static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default: // numbers as written, true, false, null
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }
    }

    public static string ToText(byte[] canonical) => Encoding.UTF8.GetString(canonical);
}
