using System.Text;
using System.Text.Json;

namespace TemplateFleet.Pins;

/// <summary>
/// A part of a pin that another concern owns, under one top-level key of the pin file (the supply chain's
/// "supplyChain"). The owner keeps its record and its (de)serializer in its own folder; the pin format only
/// knows the key, so the two never edit the same code.
/// </summary>
public interface IPinSection
{
    /// <summary>The pin file's key for this section, e.g. "supplyChain".</summary>
    string Key { get; }

    /// <summary>Writes the section's value (the JSON after the key).</summary>
    void WriteValue(Utf8JsonWriter writer);
}

/// <summary>Reads one section's value; mistakes are a FleetException naming <c>file</c> and the key path.</summary>
public delegate IPinSection PinSectionReader(JsonElement value, string file);

/// <summary>
/// Adds sections to a pin before it is written: called by Publish after the push and the pull-by-digest check,
/// with the pin as it will be written. Throwing fails that template's publish and no pin is written (a
/// signature that does not verify, say).
/// </summary>
public interface IPinContributor
{
    Task<IPinSection?> ContributeAsync(Pin pin, string imageId, CancellationToken ct);
}

/// <summary>
/// Says, for the pull request, what changed between the pin a template had and the one Publish just wrote (the
/// supply chain compares the two SBOMs). Called after the pin is written; the answer is one line or null. A change
/// it cannot describe is said in that line; Publish turns a throw into such a line too: the image is published by then.
/// </summary>
public interface IPinChangeDescriber
{
    Task<string?> DescribeChangeAsync(Pin? previous, Pin next, string imageId, CancellationToken ct);
}

/// <summary>The sections a pin file may hold, by key. A key nobody registered is an error, like any unknown key.</summary>
public static class PinSections
{
    static readonly Dictionary<string, PinSectionReader> Readers = new(StringComparer.Ordinal);
    static readonly Lock Gate = new();

    /// <summary>Registers the reader of a section key (once per key; the owner calls it from a static constructor or at start-up).</summary>
    public static void Register(string key, PinSectionReader reader)
    {
        lock (Gate)
        {
            if (Readers.TryGetValue(key, out var existing) && existing != reader)
                throw new InvalidOperationException($"pin section '{key}' has a reader already");
            Readers[key] = reader;
        }
    }

    internal static PinSectionReader? ReaderFor(string key)
    {
        lock (Gate)
        {
            return Readers.GetValueOrDefault(key);
        }
    }

    internal static IReadOnlyList<string> Keys
    {
        get
        {
            lock (Gate)
            {
                return [.. Readers.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The sections as written, for comparing two pins.</summary>
    internal static string Text(IReadOnlyList<IPinSection> sections)
    {
        if (sections.Count == 0)
            return "";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var section in sections)
            {
                writer.WritePropertyName(section.Key);
                section.WriteValue(writer);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
