using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.Publishing;

/// <summary>Reads, validates and atomically writes pin files. The fleet reads them as data, so every read validates.</summary>
public static partial class PinFile
{
    public const string FileName = "pin.json";

    static readonly string[] Keys = ["image", "digest", "runtimeVersion", "revision", "publishedAt"];

    public static string PathFor(Template template) => Path.Combine(template.Directory, FileName);

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
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid(path, "expected a JSON object");
            foreach (var property in root.EnumerateObject())
            {
                if (!Keys.Contains(property.Name, StringComparer.Ordinal))
                    throw Invalid(path, $"unknown key '{property.Name}' (expected {string.Join(", ", Keys)})");
            }

            var image = Required(root, "image", path);
            var digest = Required(root, "digest", path);
            var runtimeVersion = Required(root, "runtimeVersion", path);
            var revision = Required(root, "revision", path);
            var publishedAt = Required(root, "publishedAt", path);

            if (!ImageName().IsMatch(image))
                throw Invalid(path, $"image '{image}' must be a repository without tag or digest, e.g. 127.0.0.1:5000/molecule-fleet/codex");
            if (!Sha256Digest().IsMatch(digest))
                throw Invalid(path, $"digest '{digest}' is not a sha256 digest (sha256: followed by 64 lowercase hex digits)");
            if (!DateTimeOffset.TryParseExact(publishedAt, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"],
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                throw Invalid(path, $"publishedAt '{publishedAt}' is not an RFC 3339 timestamp");
            return new Pin(image, digest, runtimeVersion, revision, at);
        }
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

    public static string Serialize(Pin pin)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("image", pin.Image);
            writer.WriteString("digest", pin.Digest);
            writer.WriteString("runtimeVersion", pin.RuntimeVersion);
            writer.WriteString("revision", pin.Revision);
            writer.WriteString("publishedAt", pin.PublishedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
        // LF and a final newline, as .editorconfig asks of every file in the repository.
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    static string Required(JsonElement root, string key, string path)
    {
        if (!root.TryGetProperty(key, out var value))
            throw Invalid(path, $"missing key '{key}'");
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
            throw Invalid(path, $"'{key}' must be a non-empty string");
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
