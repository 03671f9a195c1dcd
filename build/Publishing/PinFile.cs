using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.Publishing;

/// <summary>
/// Reads, validates and atomically writes pin files (format v2, <see cref="Pin"/>). The fleet reads them as data,
/// so every read validates and every mistake names the file and the key. v1 and v2 pins read; every write is v3.
/// </summary>
public static partial class PinFile
{
    public const string FileName = "pin.json";

    static readonly string[] V1Keys = ["image", "digest", "runtimeVersion", "revision", "publishedAt"];

    static readonly string[] V2Keys =
        ["schemaVersion", "template", "image", "digest", "inputs", "base", "osImage", "runtimeVersion", "agentVersion", "revision", "gates", "publishedAt"];

    static readonly string[] V3Keys = [.. V2Keys, "upstream"];

    public static string PathFor(Template template) => Path.Combine(template.Directory, FileName);

    /// <summary>The base's pin: templates/&lt;base folder&gt;/pin.json.</summary>
    public static string PathForBase(FleetConfig config) => Path.Combine(config.TemplatesDirectory, config.Base.Folder, FileName);

    /// <summary>For Restore: every template's current pin (null when never published); the first invalid file throws, naming it.</summary>
    public static IReadOnlyDictionary<string, Pin?> ReadAll(FleetConfig config) =>
        config.TemplateNames.ToDictionary(name => name, name => ReadIfExists(Path.Combine(config.TemplatesDirectory, name, FileName)));

    /// <summary>Null when the template was never published; throws <see cref="FleetException"/> naming the file when it is invalid.</summary>
    public static Pin? ReadIfExists(string path) => File.Exists(path) ? Read(path) : null;

    public static Pin Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new FleetException($"{path}: cannot read the pin file: {e.Message}");
        }
        return Parse(text, path);
    }

    public static Pin Parse(string json, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } n ? $":{n + 1}" : "";
            throw new FleetException($"{path}{line}: not valid JSON ({e.Message}). Restore the file from git or publish the template again.");
        }
        using (doc)
            return Read(doc.RootElement, path);
    }

    /// <summary>Reads a pin from a JSON value (a pin file's root, or the "pin" of a publish result).</summary>
    /// <param name="path">Names the pin in messages; a v1 pin's template is the name of its folder.</param>
    public static Pin Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Invalid(path, "expected a JSON object");
        return root.TryGetProperty("schemaVersion", out var version) ? ReadV2OrLater(root, version, path) : ReadV1(root, path);
    }

    static Pin ReadV1(JsonElement root, string path)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!V1Keys.Contains(property.Name, StringComparer.Ordinal))
                throw Invalid(path, $"unknown key '{property.Name}' (a v1 pin has {string.Join(", ", V1Keys)}; a v2 pin starts with \"schemaVersion\": 2)");
        }
        return new Pin
        {
            SchemaVersion = 1,
            Template = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? "",
            Image = Image(root, "image", path),
            Digest = Digest(root, "digest", path),
            RuntimeVersion = Required(root, "runtimeVersion", path),
            Revision = Required(root, "revision", path),
            PublishedAt = Timestamp(root, "publishedAt", path),
        };
    }

    static Pin ReadV2OrLater(JsonElement root, JsonElement version, string path)
    {
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var schema) || schema is < 2 or > Pin.CurrentSchemaVersion)
            throw new FleetException($"{path}: schemaVersion {version.GetRawText()} is not one this build reads (1 to {Pin.CurrentSchemaVersion}). Update the build, or restore the file from git.");
        var keys = schema == 2 ? V2Keys : V3Keys;
        var sections = new List<IPinSection>();
        foreach (var property in root.EnumerateObject())
        {
            if (keys.Contains(property.Name, StringComparer.Ordinal))
                continue;
            var reader = PinSections.ReaderFor(property.Name)
                ?? throw Invalid(path, $"unknown key '{property.Name}' (expected {string.Join(", ", keys.Concat(PinSections.Keys))})");
            sections.Add(reader(property.Value, path));
        }

        PinnedImage? @base = null;
        if (Object(root, "base", path) is { } b)
        {
            Only(b, path, "base", "image", "digest");
            @base = new PinnedImage(Image(b, "image", path, "base.image"), Digest(b, "digest", path, "base.digest"));
        }
        PinGates? gates = null;
        if (Object(root, "gates", path) is { } g)
        {
            Only(g, path, "gates", "smoke", "t4", "t4Shape");
            gates = new PinGates(Totals(g, "smoke", path), Totals(g, "t4", path), Required(g, "t4Shape", path, "gates.t4Shape"));
        }
        Dictionary<string, string>? upstream = null;
        if (Object(root, "upstream", path) is { } u)
        {
            upstream = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in u.EnumerateObject())
                upstream[property.Name] = Optional(u, property.Name, path, $"upstream.{property.Name}")!;
        }
        var inputs = Optional(root, "inputs", path);
        if (inputs is not null && !Sha256Digest().IsMatch(inputs))
            throw Invalid(path, $"inputs '{inputs}' is not a sha256 content address (sha256: followed by 64 lowercase hex digits)");
        return new Pin
        {
            SchemaVersion = schema,
            Template = Required(root, "template", path),
            Image = Image(root, "image", path),
            Digest = Digest(root, "digest", path),
            Inputs = inputs,
            Base = @base,
            OsImage = Optional(root, "osImage", path),
            RuntimeVersion = Optional(root, "runtimeVersion", path),
            AgentVersion = Optional(root, "agentVersion", path),
            Upstream = upstream,
            Revision = Required(root, "revision", path),
            Gates = gates,
            PublishedAt = Timestamp(root, "publishedAt", path),
            Sections = sections,
        };
    }

    /// <summary>Writes next to the target and renames over it, so a reader sees the old pin or the new one, never a part.</summary>
    public static void Write(string path, Pin pin)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(Encoding.UTF8.GetBytes(Serialize(pin)));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>The file's text: v3, keys in a fixed order, two-space indent, LF and a final newline.</summary>
    public static string Serialize(Pin pin)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: Debian versions keep their '+' (26.1.5+dfsg1-9) instead of \u002B; a pin is never HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(writer, pin);
        // LF and a final newline, as .editorconfig asks of every file in the repository.
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>Writes the pin as one JSON object (a pin file's root, or inside a publish result).</summary>
    public static void Write(Utf8JsonWriter writer, Pin pin)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", Pin.CurrentSchemaVersion);
        writer.WriteString("template", pin.Template);
        writer.WriteString("image", pin.Image);
        writer.WriteString("digest", pin.Digest);
        if (pin.Inputs is { } inputs)
            writer.WriteString("inputs", inputs);
        if (pin.Base is { } @base)
        {
            writer.WriteStartObject("base");
            writer.WriteString("image", @base.Image);
            writer.WriteString("digest", @base.Digest);
            writer.WriteEndObject();
        }
        if (pin.OsImage is { } os)
            writer.WriteString("osImage", os);
        if (pin.RuntimeVersion is { } runtime)
            writer.WriteString("runtimeVersion", runtime);
        if (pin.AgentVersion is { } agent)
            writer.WriteString("agentVersion", agent);
        if (pin.Upstream is { Count: > 0 } upstream)
        {
            writer.WriteStartObject("upstream");
            foreach (var (name, version) in upstream.OrderBy(u => u.Key, StringComparer.Ordinal))
                writer.WriteString(name, version);
            writer.WriteEndObject();
        }
        writer.WriteString("revision", pin.Revision);
        if (pin.Gates is { } gates)
        {
            writer.WriteStartObject("gates");
            WriteTotals(writer, "smoke", gates.Smoke);
            WriteTotals(writer, "t4", gates.T4);
            writer.WriteString("t4Shape", gates.T4Shape);
            writer.WriteEndObject();
        }
        writer.WriteString("publishedAt", pin.PublishedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        foreach (var section in pin.Sections)
        {
            writer.WritePropertyName(section.Key);
            section.WriteValue(writer);
        }
        writer.WriteEndObject();
    }

    static void WriteTotals(Utf8JsonWriter writer, string name, CheckTotals totals)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("passed", totals.Passed);
        writer.WriteNumber("total", totals.Total);
        writer.WriteEndObject();
    }

    static CheckTotals Totals(JsonElement gates, string key, string path)
    {
        var value = Object(gates, key, path, $"gates.{key}") ?? throw Invalid(path, $"missing key 'gates.{key}'");
        Only(value, path, $"gates.{key}", "passed", "total");
        var passed = Count(value, "passed", path, $"gates.{key}.passed");
        var total = Count(value, "total", path, $"gates.{key}.total");
        return passed <= total ? new CheckTotals(passed, total) : throw Invalid(path, $"gates.{key}: passed {passed} is more than total {total}");
    }

    static int Count(JsonElement root, string key, string path, string name)
    {
        if (!root.TryGetProperty(key, out var value))
            throw Invalid(path, $"missing key '{name}'");
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? n : throw Invalid(path, $"'{name}' must be a whole number, 0 or more");
    }

    static void Only(JsonElement value, string path, string name, params string[] keys)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (!keys.Contains(property.Name, StringComparer.Ordinal))
                throw Invalid(path, $"unknown key '{name}.{property.Name}' (expected {string.Join(", ", keys)})");
        }
    }

    static JsonElement? Object(JsonElement root, string key, string path, string? name = null)
    {
        if (!root.TryGetProperty(key, out var value))
            return null;
        return value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, $"'{name ?? key}' must be an object");
    }

    static string Image(JsonElement root, string key, string path, string? name = null)
    {
        var image = Required(root, key, path, name);
        return ImageName().IsMatch(image)
            ? image
            : throw Invalid(path, $"{name ?? key} '{image}' must be a repository without tag or digest, e.g. 127.0.0.1:5000/molecule-fleet/codex");
    }

    static string Digest(JsonElement root, string key, string path, string? name = null)
    {
        var digest = Required(root, key, path, name);
        return Sha256Digest().IsMatch(digest)
            ? digest
            : throw Invalid(path, $"{name ?? key} '{digest}' is not a sha256 digest (sha256: followed by 64 lowercase hex digits)");
    }

    static DateTimeOffset Timestamp(JsonElement root, string key, string path)
    {
        var text = Required(root, key, path);
        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at
            : throw Invalid(path, $"{key} '{text}' is not an RFC 3339 timestamp");
    }

    static string Required(JsonElement root, string key, string path, string? name = null) =>
        root.TryGetProperty(key, out _) ? Optional(root, key, path, name)! : throw Invalid(path, $"missing key '{name ?? key}'");

    static string? Optional(JsonElement root, string key, string path, string? name = null)
    {
        if (!root.TryGetProperty(key, out var value))
            return null;
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
            throw Invalid(path, $"'{name ?? key}' must be a non-empty string");
        return text;
    }

    static FleetException Invalid(string path, string why) =>
        new($"{path}: invalid pin file: {why}. Restore the file from git or publish the template again.");

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    internal static partial Regex Sha256Digest();

    // host[:port]/path without ':tag' in the last component and without '@'.
    [GeneratedRegex(@"^[A-Za-z0-9.\-\[\]:]+(/[a-z0-9]+(?:[._\-][a-z0-9]+)*)+$")]
    private static partial Regex ImageName();
}
