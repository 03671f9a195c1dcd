using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// (De)serialises <see cref="SupplyChainRecord"/> as the nested "supplyChain" object of a pin. The pin's own
/// reader hands over the element and the file name; every mistake names the file and the key path
/// (supplyChain.sbom.spdx.digest) and says what to do. Unknown keys are errors, like everywhere in the fleet.
/// </summary>
public static partial class SupplyChainRecordJson
{
    public const string Key = "supplyChain";

    public static void Write(Utf8JsonWriter writer, SupplyChainRecord record)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("sbom");
        WriteSbom(writer, "spdx", record.Spdx);
        WriteSbom(writer, "cyclonedx", record.CycloneDx);
        writer.WriteEndObject();
        WriteCosign(writer, "signature", record.Signature);
        WriteCosign(writer, "attestation", record.Attestation);
        writer.WriteStartObject("publicKey");
        writer.WriteString("fingerprint", record.PublicKey.Fingerprint);
        writer.WriteBoolean("development", record.PublicKey.Development);
        writer.WriteEndObject();
        writer.WriteStartObject("secretScan");
        writer.WriteString("result", SecretScanSummary.Clean);
        writer.WriteNumber("suppressed", record.SecretScan.Suppressed);
        writer.WriteStartArray("scanned");
        foreach (var what in record.SecretScan.Scanned)
            writer.WriteStringValue(what);
        writer.WriteEndArray();
        if (record.SecretScan.ChangeBase is { } changeBase)
            writer.WriteString("changeBase", changeBase);
        writer.WriteEndObject();
        writer.WriteStartObject("securityUpgrades");
        writer.WriteString("suite", record.SecurityUpgrades.Suite);
        writer.WriteStartArray("pending");
        foreach (var pending in record.SecurityUpgrades.Pending)
        {
            writer.WriteStartObject();
            writer.WriteString("package", pending.Package);
            writer.WriteString("installed", pending.Installed);
            writer.WriteString("candidate", pending.Candidate);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("checkedAt", record.SecurityUpgrades.CheckedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        writer.WriteString("caTrust", CaTrustName(record.CaTrust));
        writer.WriteEndObject();
    }

    public static string Serialize(SupplyChainRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            Write(writer, record);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n");
    }

    public static SupplyChainRecord Parse(string json, string file)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement, file);
        }
        catch (JsonException e)
        {
            throw new SupplyChainException($"{file}: not valid JSON ({e.Message}). Restore the file from git or publish the template again.");
        }
    }

    /// <summary>Reads the value of the pin's "supplyChain" key.</summary>
    public static SupplyChainRecord Read(JsonElement element, string file)
    {
        var root = new Node(element, Key, file);
        root.Only("sbom", "signature", "attestation", "publicKey", "secretScan", "securityUpgrades", "caTrust");
        var sbom = root.Object("sbom");
        sbom.Only("spdx", "cyclonedx");
        var key = root.Object("publicKey");
        key.Only("fingerprint", "development");
        var scan = root.Object("secretScan");
        scan.Only("result", "suppressed", "scanned", "changeBase");
        if (scan.String("result") != SecretScanSummary.Clean)
            throw scan.Invalid("result", $"must be '{SecretScanSummary.Clean}' (a pin is only written for an image that passed the secret scan)");
        var upgrades = root.Object("securityUpgrades");
        upgrades.Only("suite", "pending", "checkedAt");
        var pending = upgrades.Array("pending").Select(p =>
        {
            p.Only("package", "installed", "candidate");
            return new PendingUpgrade(p.String("package"), p.String("installed"), p.String("candidate"));
        }).ToList();
        var checkedAt = upgrades.String("checkedAt");
        if (!DateTimeOffset.TryParseExact(checkedAt, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            throw upgrades.Invalid("checkedAt", $"'{checkedAt}' is not an RFC 3339 timestamp");
        var trust = root.String("caTrust");
        return new SupplyChainRecord(
            ReadSbom(sbom.Object("spdx"), SbomFormat.Spdx),
            ReadSbom(sbom.Object("cyclonedx"), SbomFormat.CycloneDx),
            ReadCosign(root.Object("signature"), ".sig"),
            ReadCosign(root.Object("attestation"), ".att"),
            new PublicKeyRecord(key.Digest("fingerprint"), key.Boolean("development")),
            new SecretScanSummary(scan.Integer("suppressed"), scan.Array("scanned").Select(s => s.Text()).ToList(), scan.OptionalString("changeBase")),
            new SecurityUpgradeSummary(upgrades.String("suite"), pending, at),
            ParseCaTrust(trust) ?? throw root.Invalid("caTrust", $"'{trust}' is not one of none, build-only, run-time"));
    }

    public static string CaTrustName(CaTrust trust) => trust switch
    {
        CaTrust.None => "none",
        CaTrust.BuildOnly => "build-only",
        _ => "run-time",
    };

    public static CaTrust? ParseCaTrust(string value) => value switch
    {
        "none" => CaTrust.None,
        "build-only" => CaTrust.BuildOnly,
        "run-time" => CaTrust.RunTime,
        _ => null,
    };

    static SbomReference ReadSbom(Node node, SbomFormat format)
    {
        node.Only("digest", "predicateType");
        var type = node.String("predicateType");
        if (type != SbomDocument.PredicateTypeOf(format))
            throw node.Invalid("predicateType", $"must be {SbomDocument.PredicateTypeOf(format)}, got '{type}'");
        return new SbomReference(node.Digest("digest"), type);
    }

    static CosignReference ReadCosign(Node node, string suffix)
    {
        node.Only("tag", "digest");
        var tag = node.String("tag");
        if (!CosignTag().IsMatch(tag) || !tag.EndsWith(suffix, StringComparison.Ordinal))
            throw node.Invalid("tag", $"'{tag}' is not cosign's tag sha256-<64 hex>{suffix}");
        return new CosignReference(tag, node.Digest("digest"));
    }

    static void WriteSbom(Utf8JsonWriter writer, string name, SbomReference sbom)
    {
        writer.WriteStartObject(name);
        writer.WriteString("digest", sbom.Digest);
        writer.WriteString("predicateType", sbom.PredicateType);
        writer.WriteEndObject();
    }

    static void WriteCosign(Utf8JsonWriter writer, string name, CosignReference reference)
    {
        writer.WriteStartObject(name);
        writer.WriteString("tag", reference.Tag);
        writer.WriteString("digest", reference.Digest);
        writer.WriteEndObject();
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    internal static partial Regex Sha256();

    [GeneratedRegex(@"^sha256-[0-9a-f]{64}\.(sig|att)$")]
    private static partial Regex CosignTag();

    /// <summary>A JSON element with its key path, for messages.</summary>
    sealed class Node(JsonElement element, string path, string file)
    {
        public void Only(params string[] keys)
        {
            if (element.ValueKind != JsonValueKind.Object)
                throw Fail($"'{path}' must be a JSON object");
            foreach (var property in element.EnumerateObject())
            {
                if (!keys.Contains(property.Name, StringComparer.Ordinal))
                    throw Fail($"unknown key '{path}.{property.Name}' (expected {string.Join(", ", keys)})");
            }
        }

        JsonElement Get(string key) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var value) ? value : throw Fail($"missing key '{path}.{key}'");

        public Node Object(string key)
        {
            var node = new Node(Get(key), $"{path}.{key}", file);
            if (node.Element.ValueKind != JsonValueKind.Object)
                throw Fail($"'{path}.{key}' must be a JSON object");
            return node;
        }

        JsonElement Element => element;

        public IEnumerable<Node> Array(string key)
        {
            var value = Get(key);
            if (value.ValueKind != JsonValueKind.Array)
                throw Fail($"'{path}.{key}' must be a JSON array");
            return value.EnumerateArray().Select((item, i) => new Node(item, $"{path}.{key}[{i}]", file)).ToList();
        }

        public string Text() =>
            element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text ? text : throw Fail($"'{path}' must be a non-empty string");

        public string String(string key) => new Node(Get(key), $"{path}.{key}", file).Text();

        public string? OptionalString(string key) =>
            element.TryGetProperty(key, out _) ? String(key) : null;

        public string Digest(string key)
        {
            var value = String(key);
            return Sha256().IsMatch(value) ? value : throw Invalid(key, $"'{value}' is not a sha256 digest (sha256: followed by 64 lowercase hex digits)");
        }

        public bool Boolean(string key) => Get(key).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail($"'{path}.{key}' must be true or false"),
        };

        public int Integer(string key) =>
            Get(key) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var value) && value >= 0
                ? value : throw Fail($"'{path}.{key}' must be a whole number of zero or more");

        public SupplyChainException Invalid(string key, string why) => Fail($"'{path}.{key}' {why}");

        SupplyChainException Fail(string why) =>
            new($"{file}: invalid pin file: {why}. Restore the file from git or publish the template again.");
    }
}
