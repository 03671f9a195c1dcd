using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.Tools;

/// <summary>
/// build/Tools/tools.yaml, read strictly: every mistake of the file is reported together as
/// `build/Tools/tools.yaml:line:column: what is wrong`, in one <see cref="FleetException"/>.
/// </summary>
public sealed partial class ToolManifest(string file, IEnumerable<ToolPin> tools)
{
    public const string RelativePath = "build/Tools/tools.yaml";

    private static readonly string[] ToolKeys = ["version", "debian", "npm", "dotnet-tool", "binary", "check", "library"];
    private static readonly string[] SourceKeys = ["debian", "npm", "dotnet-tool"];

    private readonly Dictionary<string, ToolPin> _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The manifest's path as messages show it.</summary>
    public string File { get; } = file;
    public IReadOnlyCollection<ToolPin> Tools => _tools.Values;

    public ToolPin this[string name] => _tools.TryGetValue(name, out var pin)
        ? pin
        : throw new FleetException($"no tool '{name}' in {File}; it pins: {string.Join(", ", _tools.Keys.Order(StringComparer.Ordinal))}. Add it there (name, version, source, binary, check).");

    public static ToolManifest Load(string repositoryRoot)
    {
        try
        {
            return Parse(System.IO.File.ReadAllText(Path.Combine(repositoryRoot, RelativePath)), RelativePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"{RelativePath}: cannot be read ({e.Message}); it pins the tools the build installs.");
        }
    }

    /// <param name="displayPath">How messages name the file.</param>
    public static ToolManifest Parse(string text, string displayPath)
    {
        var errors = new YamlErrors(displayPath);
        var root = YamlDocument.Parse(text, errors);
        if (root is null && !errors.Any)
            errors.AddFileError("file is empty; expected a 'tools' mapping");
        var doc = root is null ? null : YamlObject.From(root, "", errors, root.Start, "tools");
        var toolsNode = doc?.Node("tools", required: true);
        if (toolsNode is not (null or YMapping))
            errors.Add(toolsNode.Start, $"'tools' must be a mapping of tool names, got {toolsNode.Kind}");
        var tools = (toolsNode as YMapping)?.Entries.Select(e => ReadTool(e.Key, e.Value, errors)).OfType<ToolPin>().ToList() ?? [];
        errors.ThrowIfAny();
        return new ToolManifest(displayPath, tools);
    }

    private static ToolPin? ReadTool(YScalar key, YNode value, YamlErrors errors)
    {
        var name = key.Value;
        if (!ToolName().IsMatch(name))
        {
            errors.Add(key.Start, $"tool name '{name}' must be lower case letters, digits and '-', starting with a letter");
            return null;
        }
        var tool = YamlObject.From(value, $"tools.{name}", errors, key.Start, ToolKeys);
        if (tool is null)
        {
            return null;
        }
        var version = Checked(tool, "version", v => ExactVersion().IsMatch(v) ? null : "is not an exact version; pin one release, e.g. 2.5.0");

        var given = SourceKeys.Where(tool.Has).ToList();
        if (given.Count != 1)
        {
            errors.Add(key.Start, given.Count == 0
                ? $"tool '{name}' has no source; give exactly one of: {string.Join(", ", SourceKeys)}"
                : $"tool '{name}' has {given.Count} sources ({string.Join(", ", given)}); keep exactly one");
        }
        ToolSource? source = given.Count != 1 || version is null ? null : given[0] switch
        {
            "debian" => ReadDebian(tool, name, version),
            "npm" => ReadPackage(tool, "npm", NpmPackage(), "an npm package name, e.g. @scope/name", version),
            _ => ReadPackage(tool, "dotnet-tool", NuGetId(), "a NuGet package id, e.g. PowerShell", version),
        };

        var binary = Checked(tool, "binary", b => IsRelativeInside(b) ? null : "must be a path inside the tool's folder (relative, no '..')");

        // A library (an npm package the tests import) has no command to run: its entry module must exist.
        if (tool.Bool("library", required: false) == true)
        {
            if (tool.Has("check"))
                errors.Add(key.Start, $"tool '{name}' is a library: it has no command to check; remove 'check' (the installed version is still checked)");
            if (source is not null and not { Kind: "npm" })
                errors.Add(key.Start, $"tool '{name}': only npm packages can be libraries");
            return source is null || binary is null ? null : new ToolPin(name, version!, source, binary, null, key.Start.Line);
        }

        var checkObject = tool.Object("check", required: true, "args", "expect");
        var args = checkObject?.List("args", required: true);
        var argValues = (args ?? []).Select((node, i) => node is YScalar { IsNull: false } arg ? arg.Value
            : checkObject!.Fail<string>(node, $"'{checkObject!.Child("args")}[{i}]' must be a scalar, got {node.Kind}")).OfType<string>().ToList();
        var expect = checkObject?.String("expect", required: true);

        return source is null || binary is null || args is null || expect is null
            ? null
            : new ToolPin(name, version!, source, binary, new ToolCheck(argValues, expect), key.Start.Line);
    }

    private static ToolSource? ReadDebian(YamlObject tool, string name, string version)
    {
        var debian = tool.Object("debian", required: true, "suite", "package", "version");
        var suite = Checked(debian, "suite", s => Suite().IsMatch(s) ? null : "is not a Debian suite code name (e.g. trixie, bookworm, bookworm-backports)");
        var package = Checked(debian, "package", p => DebianPackage().IsMatch(p) ? null : "is not a Debian package name");
        var packageVersion = Checked(debian, "version", v => !DebianVersion.IsValid(v) ? "is not a Debian version ([epoch:]upstream[-revision], e.g. 2.5.0-2+b5)"
            : !DebianVersion.Packages(v, version) ? $"packages {DebianVersion.Upstream(v)}, not {name} {version}; pin the Debian version of {version} or change 'version'"
            : null);
        return suite is null || package is null || packageVersion is null ? null : new ToolSource("debian", package, packageVersion, suite);
    }

    private static ToolSource? ReadPackage(YamlObject tool, string key, Regex shape, string what, string version) =>
        Checked(tool.Object(key, required: true, "package"), "package", p => shape.IsMatch(p) ? null : $"is not {what}") is { } package ? new ToolSource(key, package, version) : null;

    /// <summary>The required scalar <paramref name="key"/> of <paramref name="section"/>, or null: missing, or
    /// <paramref name="problem"/> says what is wrong with it ("'tools.x.key' 'value' problem" at the value).</summary>
    private static string? Checked(YamlObject? section, string key, Func<string, string?> problem)
    {
        if (section?.Scalar(key, required: true) is not { } node)
            return null;
        if (problem(node.Value) is not { } wrong)
            return node.Value;
        section.Errors.Add(node.Start, $"'{section.Child(key)}' '{node.Value}' {wrong}");
        return null;
    }

    private static bool IsRelativeInside(string path) =>
        path.Length > 0 && !Path.IsPathRooted(path) && !path.Split('/', '\\').Any(segment => segment is ".." or "");

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ToolName();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)+([-+][0-9A-Za-z.]+)?$")]
    private static partial Regex ExactVersion();

    [GeneratedRegex("^[a-z]+(-backports)?$")]
    private static partial Regex Suite();

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex DebianPackage();

    [GeneratedRegex("^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NpmPackage();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NuGetId();
}
