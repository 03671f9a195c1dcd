using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;

namespace TemplateFleet.KeepCurrent;

/// <summary>
/// What a bump rebuilds. An agent: its template alone, FROM the pinned base digest at the runtime its pin holds (a
/// rebuilt base would split the fleet: debootstrap is not reproducible). Node, npm, the Docker CLI or the security
/// archive: the base and every template, at the newest runtime the pins hold. Without pins the run builds what it must.
/// </summary>
/// <param name="BaseImage">The pinned base the templates build FROM; null: the base is built (its inputs changed, or there is no pin).</param>
/// <param name="RuntimeVersion">The runtime the images keep; null: the newest on the index (nothing pinned).</param>
/// <param name="ChangedFiles">The data and lock files the bump wrote, repository paths.</param>
public sealed record BumpScope(IReadOnlyList<string> Templates, string? BaseImage, string? RuntimeVersion, IReadOnlyList<string> ChangedFiles)
{
    public string Describe => BaseImage is { } @base
        ? $"{string.Join(", ", Templates)} FROM the pinned base {@base[(@base.LastIndexOf('@') + 1)..][..19]}…, runtime {RuntimeVersion ?? "newest"}"
        : $"the base and {string.Join(", ", Templates)}, runtime {RuntimeVersion ?? "newest"}";

    /// <summary>What a bump of <paramref name="input"/> rebuilds, by the pins as they are now.</summary>
    public static BumpScope For(UpstreamInput input, FleetConfig config, IReadOnlyList<string> changed)
    {
        var pins = PinFile.ReadAll(config);
        return input.Template is { } template
            ? new BumpScope([template.Name], PinFile.ReadIfExists(PinFile.PathForBase(config))?.Reference,
                pins.GetValueOrDefault(template.Name)?.RuntimeVersion?.ToString() ?? NewestRuntime(pins), changed)
            : new BumpScope(config.TemplateNames, null, NewestRuntime(pins), changed);
    }

    /// <summary>The newest runtime any template's pin holds; null with no pin.</summary>
    public static string? NewestRuntime(IReadOnlyDictionary<string, Pin?> pins) =>
        pins.Values.Select(p => p?.RuntimeVersion).OfType<Pep440Version>().Max()?.ToString();
}
