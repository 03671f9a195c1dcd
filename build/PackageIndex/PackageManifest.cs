using TemplateFleet.Fleet;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TemplateFleet.PackageIndex;

/// <summary>templates/packages/&lt;dist-name&gt;/package.yaml: what goes into the development wheel.
/// The version is not in the source; the builder stamps it.</summary>
public sealed record PackageManifest(
    string Name,
    string SourceDirectory,
    string Summary,
    IReadOnlyList<string> Modules,
    IReadOnlyDictionary<string, string> Scripts,
    string RequiresPython,
    IReadOnlyList<string> Dependencies)
{
    public const string FileName = "package.yaml";

    public static PackageManifest Load(string name, string sourceDirectory)
    {
        var file = Path.Combine(sourceDirectory, FileName);
        if (!File.Exists(file))
            throw new FleetException($"{file}: missing. The development package '{name}' needs a {FileName} (summary, modules, scripts, requiresPython, dependencies).");

        Raw raw;
        try
        {
            raw = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<Raw?>(File.ReadAllText(file)) ?? new Raw();
        }
        catch (YamlException e)
        {
            throw new FleetException($"{file}:{e.Start.Line}: {e.InnerException?.Message ?? e.Message}. Allowed keys: summary, modules, scripts, requiresPython, dependencies.");
        }

        if (string.IsNullOrWhiteSpace(raw.Summary) || raw.Modules is not { Count: > 0 })
            throw new FleetException($"{file}: 'summary' and at least one entry in 'modules' are required.");

        foreach (var module in raw.Modules)
        {
            if (!File.Exists(Path.Combine(sourceDirectory, module, "__init__.py")))
                throw new FleetException($"{file}: module '{module}' has no {module}/__init__.py next to {FileName}. List import packages (folders) that exist.");
        }

        return new PackageManifest(
            name,
            sourceDirectory,
            raw.Summary.Trim(),
            raw.Modules,
            raw.Scripts ?? [],
            raw.RequiresPython ?? "",
            raw.Dependencies ?? []);
    }

    // Mutable shape for YamlDotNet only; unknown keys fail the parse (typos are never ignored).
    private sealed class Raw
    {
        public string? Summary { get; set; }
        public List<string>? Modules { get; set; }
        public Dictionary<string, string>? Scripts { get; set; }
        public string? RequiresPython { get; set; }
        public List<string>? Dependencies { get; set; }
    }
}
