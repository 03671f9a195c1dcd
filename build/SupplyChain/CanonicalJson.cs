using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// One byte form per JSON document: object keys sorted (ordinal), no white space, numbers as written.
/// cosign re-serialises an attested predicate (Go sorts map keys), so the SBOM file, the digest in the pin
/// and the predicate read back from the registry are compared in this form, never byte for byte as written.
/// </summary>
public static class CanonicalJson
{
    static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 256 };

    public static byte[] Canonicalize(string json) =>
        JsonSerializer.SerializeToUtf8Bytes(Sorted(JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 })), Options);

    /// <summary>"sha256:&lt;hex&gt;" of the canonical form.</summary>
    public static string Digest(byte[] canonical) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(canonical));

    public static string Digest(JsonElement element) => Digest(Canonicalize(element.GetRawText()));

    /// <summary>The node with every object's keys in ordinal order; strings, numbers (as written), true, false and null as they are.</summary>
    static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    public static string ToText(byte[] canonical) => Encoding.UTF8.GetString(canonical);
}
