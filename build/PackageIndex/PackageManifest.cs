using TemplateFleet.Fleet;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TemplateFleet.PackageIndex;

/// <summary>templates/packages/&lt;dist-name&gt;/package.yaml: what goes into the development wheel, as YamlDotNet reads it
/// (unknown keys fail the parse: typos are never ignored). The version is not in the source; the builder stamps it.</summary>
public sealed class PackageManifest
{
    public const string FileName = "package.yaml";

    [YamlIgnore]
    public string Name { get; private set; } = "";

    [YamlIgnore]
    public string SourceDirectory { get; private set; } = "";

    // An empty key (`scripts:`) reads as null: Load puts the empty value back.
    public string Summary { get; set; } = "";
    public List<string> Modules { get; set; } = [];
    public Dictionary<string, string> Scripts { get; set; } = [];
    public string RequiresPython { get; set; } = "";
    public List<string> Dependencies { get; set; } = [];

    public static PackageManifest Load(string name, string sourceDirectory)
    {
        var file = Path.Combine(sourceDirectory, FileName);
        if (!File.Exists(file))
            throw new FleetException($"{file}: missing. The development package '{name}' needs a {FileName} (summary, modules, scripts, requiresPython, dependencies).");

        PackageManifest manifest;
        try
        {
            manifest = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<PackageManifest?>(File.ReadAllText(file)) ?? new PackageManifest();
        }
        catch (YamlException e)
        {
            throw new FleetException($"{file}:{e.Start.Line}: {e.InnerException?.Message ?? e.Message}. Allowed keys: summary, modules, scripts, requiresPython, dependencies.");
        }

        if (string.IsNullOrWhiteSpace(manifest.Summary) || manifest.Modules is not { Count: > 0 })
            throw new FleetException($"{file}: 'summary' and at least one entry in 'modules' are required.");

        if (manifest.Modules.FirstOrDefault(m => !File.Exists(Path.Combine(sourceDirectory, m, "__init__.py"))) is { } module)
            throw new FleetException($"{file}: module '{module}' has no {module}/__init__.py next to {FileName}. List import packages (folders) that exist.");

        manifest.Name = name;
        manifest.SourceDirectory = sourceDirectory;
        manifest.Summary = manifest.Summary.Trim();
        manifest.Scripts ??= [];
        manifest.RequiresPython ??= "";
        manifest.Dependencies ??= [];
        return manifest;
    }
}
