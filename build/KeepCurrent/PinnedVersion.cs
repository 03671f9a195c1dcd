using TemplateFleet.Pins;

namespace TemplateFleet.KeepCurrent;

/// <summary>What the pins say about one input: the version(s) they record, and a flag when that is not what the data says.</summary>
public sealed record PinnedVersion(string? Version, string? Flag = null)
{
    public static readonly PinnedVersion None = new((string?)null);

    /// <summary>
    /// What the pins record for each input, and whether that is what the data says: an agent's version from its template's
    /// pin, the runtime from every template pin, Node, npm, the Docker CLI and the security archive from the base's pin
    /// (its "upstream" versions).
    /// </summary>    /// <remarks>Input names are unique: a template may not take a fleet-wide input's name (FleetLoader).</remarks>
    public static IReadOnlyDictionary<string, PinnedVersion> Of(IReadOnlyList<UpstreamInput> inputs, IReadOnlyDictionary<string, Pin?> templatePins, Pin? basePin) =>
        inputs.ToDictionary(input => input.Name, input => input.Reach switch
        {
            InputReach.Template => Agent(input, templatePins.GetValueOrDefault(input.Name)),
            InputReach.Runtime => Runtime(templatePins),
            _ => Fleet(input, basePin, templatePins),
        }, StringComparer.Ordinal);

    static PinnedVersion Agent(UpstreamInput input, Pin? pin) => pin switch
    {
        null => PinnedVersion.None,
        { AgentVersion: null } => new PinnedVersion("?", "the pin records no agent version"),
        _ => new PinnedVersion(pin.AgentVersion, pin.AgentVersion == input.Current ? null : $"pin holds {pin.AgentVersion}, data says {input.Current}"),
    };

    static PinnedVersion Runtime(IReadOnlyDictionary<string, Pin?> pins)
    {
        var versions = pins.Values.Select(p => p?.RuntimeVersion?.ToString()).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        return versions.Count == 0 ? PinnedVersion.None
            : new PinnedVersion(string.Join(", ", versions), versions.Count > 1 ? "the templates' pins hold different runtimes" : null);
    }

    static PinnedVersion Fleet(UpstreamInput input, Pin? basePin, IReadOnlyDictionary<string, Pin?> templatePins)
    {
        if (basePin is null)
            return PinnedVersion.None;
        var version = basePin.Upstream?.GetValueOrDefault(input.Name);
        if (version is null)
            return new PinnedVersion("?", "the base pin records no input versions (written before pin format v3)");
        var stale = templatePins.Where(p => p.Value?.Base is { } b && b.Digest != basePin.Digest).Select(p => p.Key).ToList();
        var flags = new List<string>();
        if (version != input.Current)
            flags.Add($"base pin holds {version}, data says {input.Current ?? "nothing"}");
        if (stale.Count > 0)
            flags.Add($"{string.Join(", ", stale)} built FROM another base");
        return new PinnedVersion(version, flags.Count == 0 ? null : string.Join("; ", flags));
    }
}
