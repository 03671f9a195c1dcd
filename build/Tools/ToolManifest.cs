using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.Tools;

/// <summary>
/// build/Tools/tools.yaml, read strictly: every mistake of the file is reported together as
/// `build/Tools/tools.yaml:line:column: what is wrong`, in one <see cref="FleetException"/>.
/// </summary>
public sealed partial class ToolManifest
{
    public const string RelativePath = "build/Tools/tools.yaml";

    private static readonly string[] ToolKeys = ["version", "debian", "npm", "dotnet-tool", "binary", "check", "library"];
    private static readonly string[] SourceKeys = ["debian", "npm", "dotnet-tool"];

    private readonly Dictionary<string, ToolPin> _tools;

    private ToolManifest(string file, IEnumerable<ToolPin> tools)
    {
        File = file;
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The manifest's path as messages show it.</summary>
    public string File { get; }
    public IReadOnlyCollection<ToolPin> Tools => _tools.Values;

    public ToolPin this[string name] => _tools.TryGetValue(name, out var pin)
        ? pin
        : throw new FleetException($"no tool '{name}' in {File}; it pins: {string.Join(", ", _tools.Keys.Order(StringComparer.Ordinal))}. Add it there (name, version, source, binary, check).");

    public static ToolManifest Load(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, RelativePath);
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException($"{RelativePath}: cannot be read ({e.Message}); it pins the tools the build installs.");
        }
        return Parse(text, RelativePath);
    }

    /// <param name="displayPath">How messages name the file.</param>
    public static ToolManifest Parse(string text, string displayPath)
    {
        var errors = new YamlErrors(displayPath);
        var tools = new List<ToolPin>();
        var root = YamlTree.Parse(text, errors);
        if (root is null && !errors.Any)
            errors.AddFileError("file is empty; expected a 'tools' mapping");
        var doc = root is null ? null : YamlObject.From(root, "", errors, root.Start, "tools");
        var toolsNode = doc?.Node("tools", required: true);
        if (toolsNode is YMapping mapping)
        {
            foreach (var (key, value) in mapping.Entries)
            {
                if (!ToolName().IsMatch(key.Value))
                {
                    errors.Add(key.Start, $"tool name '{key.Value}' must be lower case letters, digits and '-', starting with a letter");
                    continue;
                }
                if (ReadTool(key, value, errors) is { } pin)
                    tools.Add(pin);
            }
        }
        else if (toolsNode is not null)
            errors.Add(toolsNode.Start, $"'tools' must be a mapping of tool names, got {toolsNode.Kind}");
        errors.ThrowIfAny();
        return new ToolManifest(displayPath, tools);
    }

    private static ToolPin? ReadTool(YScalar key, YNode value, YamlErrors errors)
    {
        var name = key.Value;
        var tool = YamlObject.From(value, $"tools.{name}", errors, key.Start, ToolKeys);
        if (tool is null)
        {
            return null;
        }
        var versionNode = tool.Scalar("version", required: true);
        var version = versionNode?.Value;
        if (versionNode is not null && !ExactVersion().IsMatch(versionNode.Value))
        {
            errors.Add(versionNode.Start, $"'{tool.Child("version")}' '{versionNode.Value}' is not an exact version; pin one release, e.g. 2.5.0");
            version = null;
        }

        var given = SourceKeys.Where(tool.Has).ToList();
        if (given.Count != 1)
        {
            errors.Add(key.Start, given.Count == 0
                ? $"tool '{name}' has no source; give exactly one of: {string.Join(", ", SourceKeys)}"
                : $"tool '{name}' has {given.Count} sources ({string.Join(", ", given)}); keep exactly one");
        }
        ToolSource? source = given.Count != 1 || version is null ? null : given[0] switch
        {
            "debian" => ReadDebian(tool, name, version, errors),
            "npm" => ReadPackage(tool, "npm", NpmPackage(), "an npm package name, e.g. @scope/name", p => new NpmSource(p, version)),
            _ => ReadPackage(tool, "dotnet-tool", NuGetId(), "a NuGet package id, e.g. PowerShell", p => new DotnetToolSource(p, version)),
        };

        var binaryNode = tool.Scalar("binary", required: true);
        var binary = binaryNode?.Value;
        if (binaryNode is not null && !IsRelativeInside(binaryNode.Value))
        {
            errors.Add(binaryNode.Start, $"'{tool.Child("binary")}' '{binaryNode.Value}' must be a path inside the tool's folder (relative, no '..')");
            binary = null;
        }

        // A library (an npm package the tests import) has no command to run: its entry module must exist.
        if (tool.Bool("library", required: false) == true)
        {
            if (tool.Has("check"))
                errors.Add(key.Start, $"tool '{name}' is a library: it has no command to check; remove 'check' (the installed version is still checked)");
            if (source is not null and not NpmSource)
                errors.Add(key.Start, $"tool '{name}': only npm packages can be libraries");
            return source is null || binary is null ? null : new ToolPin(name, version!, source, binary, null, key.Start.Line);
        }

        var checkObject = tool.Object("check", required: true, "args", "expect");
        var args = checkObject?.List("args", required: true);
        var argValues = new List<string>();
        for (var i = 0; i < (args?.Count ?? 0); i++)
        {
            if (args![i] is YScalar { IsNull: false } arg)
                argValues.Add(arg.Value);
            else
                errors.Add(args[i].Start, $"'{checkObject!.Child("args")}[{i}]' must be a scalar, got {args[i].Kind}");
        }
        var expect = checkObject?.String("expect", required: true);

        return source is null || binary is null || args is null || expect is null
            ? null
            : new ToolPin(name, version!, source, binary, new ToolCheck(argValues, expect), key.Start.Line);
    }

    private static DebianSource? ReadDebian(YamlObject tool, string name, string version, YamlErrors errors)
    {
        var debian = tool.Object("debian", required: true, "suite", "package", "version");
        var suite = debian?.Scalar("suite", required: true);
        if (suite is not null && !Suite().IsMatch(suite.Value))
        {
            errors.Add(suite.Start, $"'{debian!.Child("suite")}' '{suite.Value}' is not a Debian suite code name (e.g. trixie, bookworm, bookworm-backports)");
            suite = null;
        }
        var package = debian?.Scalar("package", required: true);
        if (package is not null && !DebianPackage().IsMatch(package.Value))
        {
            errors.Add(package.Start, $"'{debian!.Child("package")}' '{package.Value}' is not a Debian package name");
            package = null;
        }
        var packageVersion = debian?.Scalar("version", required: true);
        if (packageVersion is not null)
        {
            if (!DebianVersion.IsValid(packageVersion.Value))
            {
                errors.Add(packageVersion.Start, $"'{debian!.Child("version")}' '{packageVersion.Value}' is not a Debian version ([epoch:]upstream[-revision], e.g. 2.5.0-2+b5)");
                packageVersion = null;
            }
            else if (!DebianVersion.Packages(packageVersion.Value, version))
            {
                errors.Add(packageVersion.Start,
                    $"'{debian!.Child("version")}' '{packageVersion.Value}' packages {DebianVersion.Upstream(packageVersion.Value)}, not {name} {version}; pin the Debian version of {version} or change 'version'");
                packageVersion = null;
            }
        }
        return suite is null || package is null || packageVersion is null ? null : new DebianSource(suite.Value, package.Value, packageVersion.Value);
    }

    private static ToolSource? ReadPackage(YamlObject tool, string key, Regex shape, string what, Func<string, ToolSource> make)
    {
        var section = tool.Object(key, required: true, "package");
        var package = section?.Scalar("package", required: true);
        if (package is not null && !shape.IsMatch(package.Value))
        {
            tool.Errors.Add(package.Start, $"'{section!.Child("package")}' '{package.Value}' is not {what}");
            return null;
        }
        return package is null ? null : make(package.Value);
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
