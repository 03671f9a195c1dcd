using System.Text.Json;
using System.Text.Json.Nodes;
using TemplateFleet.Files;
using TemplateFleet.Fleet;
using TemplateFleet.KeepCurrent;

namespace TemplateFleet.Pins;

/// <summary>
/// Reads, validates and atomically writes pin files (<see cref="Pin"/>, through <see cref="PinJson"/>). The fleet reads
/// them as data, so every read validates and every mistake names the file and the key. v1 and v2 pins read; every write is
/// the current version; a newer version than this build knows is refused with a line that says to update the build.
/// The rules across pins live here too: none is replaced by an older one, and a release's pins share one base.
/// </summary>
public static class PinFile
{
    public const string FileName = "pin.json";

    static readonly string[] V1Keys = ["image", "digest", "runtimeVersion", "revision", "publishedAt"];

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
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (IOException e)
        {
            throw new FleetException($"{path}: cannot read the pin file: {e.Message}");
        }
    }

    public static Pin Parse(string json, string path)
    {
        try
        {
            return Read(JsonElement.Parse(json), path);
        }
        catch (JsonException e)
        {
            // Only the parse throws it: Read turns every mistake in a pin it could parse into a FleetException.
            var line = e.LineNumber is { } n ? $":{n + 1}" : "";
            throw new FleetException($"{path}{line}: not valid JSON ({e.Message}). Restore the file from git or publish the template again.");
        }
    }

    /// <summary>Reads a pin from a JSON value (a pin file's root, or the "pin" of a publish result).</summary>
    /// <param name="path">Names the pin in messages; a v1 pin's template is the name of its folder.</param>
    public static Pin Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Invalid(path, "expected a JSON object");
        if (!root.TryGetProperty("schemaVersion", out var version))
            root = V1AsCurrent(root, path);
        else if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var schema) || schema is < 2 or > Pin.CurrentSchemaVersion)
            throw new FleetException($"{path}: schemaVersion {version.GetRawText()} is not one this build reads (1 to {Pin.CurrentSchemaVersion}). Update the build, or restore the file from git.");
        else if (schema == 2 && root.TryGetProperty("upstream", out _))
            throw Invalid(path, "unknown key 'upstream' in a v2 pin (it came with v3: \"schemaVersion\": 3)");
        Pin pin;
        try
        {
            pin = root.Deserialize<Pin>(PinJson.Options)!;
        }
        catch (JsonException e)
        {
            throw Invalid(path, PinJson.Explain(e, typeof(Pin)));
        }
        if (pin.Gates is { } gates && new[] { ("smoke", gates.Smoke), ("t4", gates.T4) }.FirstOrDefault(g => g.Item2.Passed > g.Item2.Total) is ({ } name, { } totals))
            throw Invalid(path, $"gates.{name}: passed {totals.Passed} is more than total {totals.Total}");
        if (pin.SupplyChain?.Problems("supplyChain").FirstOrDefault() is { } problem)
            throw Invalid(path, problem);
        return pin;
    }

    /// <summary>A v1 pin has no schemaVersion and no template (the folder names it): both are added, the rest reads as is.</summary>
    static JsonElement V1AsCurrent(JsonElement root, string path)
    {
        if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !V1Keys.Contains(n, StringComparer.Ordinal)) is { } unknown)
            throw Invalid(path, $"unknown key '{unknown}' (a v1 pin has {string.Join(", ", V1Keys)}; a v2 pin starts with \"schemaVersion\": 2)");
        var pin = JsonObject.Create(root)!;
        pin["schemaVersion"] = 1;
        pin["template"] = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? "";
        return JsonSerializer.SerializeToElement(pin);
    }

    /// <summary>Written next to the target and renamed over it, so a reader sees the old pin or the new one, never a part.</summary>
    public static void Write(string path, Pin pin) => AtomicFile.Write(path, Serialize(pin));

    /// <summary>The file's text: the current version, keys in the model's order, two-space indent, LF and a final newline.</summary>
    public static string Serialize(Pin pin) =>
        JsonSerializer.Serialize(pin with { SchemaVersion = Pin.CurrentSchemaVersion }, PinJson.Options).ReplaceLineEndings("\n") + "\n";

    /// <summary>
    /// No run writes a pin older than the one it replaces: the runtime, the agent and every upstream input a pin records
    /// stay or move forward, never back. A run from a checkout older than its pins (main moved under a bump or a cascade:
    /// another one merged first) is refused before it pushes, in one line that says what to do.
    /// </summary>
    /// <param name="file">The pin file, as messages name it.</param>
    /// <param name="schemeOf">How an input's versions order, by input name (an agent's is its template's); null: not compared.</param>
    public static void CheckOrder(string file, Pin? old, Pin next, Func<string, VersionScheme?> schemeOf)
    {
        if (old is null)
            return;
        var backwards = new List<string>();
        if (old.RuntimeVersion is { } runtimeWas && next.RuntimeVersion is { } runtime && runtime.CompareTo(runtimeWas) < 0)
            backwards.Add($"runtime {runtimeWas} → {runtime}");
        Compare(next.Template, old.AgentVersion, next.AgentVersion);
        foreach (var (input, was) in old.Upstream ?? new Dictionary<string, string>())
            Compare(input, was, next.Upstream?.GetValueOrDefault(input));
        if (backwards.Count > 0)
            throw new FleetException($"{file}: this run would replace the pin with an older one ({string.Join(", ", backwards)}); nothing was pushed or written. "
                + "The pin is newer than this checkout: update it (git pull; for a bump, run it again on main) and run again. To go back on purpose, change the data and delete the pin file first.");

        void Compare(string input, string? was, string? now)
        {
            if (was is not null && now is not null && schemeOf(input) is { } scheme && scheme.IsValid(was) && scheme.IsValid(now) && scheme.Compare(now, was) < 0)
                backwards.Add($"{input} {was} → {now}");
        }
    }

    /// <summary>
    /// The pins of one release share one base digest; pins that mix bases are normal after a partial failure (the failed
    /// templates keep pins of an older release) and worth a warning, not an error: one line naming each base and its
    /// templates when the pins name more than one base; else null.
    /// </summary>
    public static string? MixWarning(IReadOnlyDictionary<string, Pin?> pins)
    {
        var groups = pins.Where(p => p.Value?.Base is not null)
            .GroupBy(p => p.Value!.Base!.Digest, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (groups.Count < 2)
            return null;
        var parts = groups.Select(g => $"{string.Join(", ", g.Select(p => p.Key).Order(StringComparer.Ordinal))} on base {g.Key[..Math.Min(19, g.Key.Length)]}");
        return $"the pins mix {groups.Count} bases ({string.Join("; ", parts)}): normal after a partial failure; the next release builds them all FROM one base.";
    }

    static FleetException Invalid(string path, string why) =>
        new($"{path}: invalid pin file: {why}. Restore the file from git or publish the template again.");
}
