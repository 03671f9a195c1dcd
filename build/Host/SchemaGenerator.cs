using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TemplateFleet.Host;

/// <summary>
/// .nuke/build.schema.json in NUKE's shape: the build's parameters, plus NukeBuild's options with the
/// target names as enums, so editors complete parameters.json.
/// </summary>
public static class SchemaGenerator
{
    public const string RelativePath = ".nuke/build.schema.json";

    internal static string Generate(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        JsonObject Simple(string type, string description) => new() { ["type"] = type, ["description"] = description };
        JsonObject TargetList(string description) => new() { ["type"] = "array", ["description"] = description, ["items"] = new JsonObject { ["$ref"] = "#/definitions/ExecutableTarget" } };
        var schema = new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-04/schema#",
            ["definitions"] = new JsonObject
            {
                ["ExecutableTarget"] = new JsonObject { ["type"] = "string", ["enum"] = Strings(targets.Select(t => t.Name)) },
                ["Verbosity"] = new JsonObject { ["type"] = "string", ["description"] = "", ["enum"] = Strings(Enum.GetNames<Verbosity>()) },
                ["NukeBuild"] = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["Help"] = Simple("boolean", "Shows the help text for this build assembly"),
                        ["NoLogo"] = Simple("boolean", "Disables displaying the logo"),
                        ["Plan"] = Simple("boolean", "Prints the execution order with reasons and exits"),
                        ["Root"] = Simple("string", "Root directory during build execution"),
                        ["Skip"] = TargetList("List of targets to be skipped. Empty list skips all dependencies"),
                        ["Target"] = TargetList("List of targets to be invoked"),
                        ["Verbosity"] = new JsonObject { ["description"] = "Logging verbosity during build execution. Default is 'Normal'", ["$ref"] = "#/definitions/Verbosity" },
                    },
                },
            },
            ["allOf"] = new JsonArray(
                new JsonObject { ["properties"] = new JsonObject(parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Name, (JsonNode?)Parameter(p)))) },
                new JsonObject { ["$ref"] = "#/definitions/NukeBuild" }),
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Writes the schema when it differs from the file (NUKE regenerates on local runs).</summary>
    internal static bool WriteIfChanged(AbsolutePath root, string content)
    {
        var path = root / RelativePath;
        if (!Directory.Exists(path.Parent!) || (path.FileExists() && File.ReadAllText(path) == content))
            return false;

        File.WriteAllText(path, content);
        return true;
    }

    /// <summary>
    /// Local runs keep the schema current. Generating it costs start-up time on every run, and it can only
    /// change when the build is recompiled, so a stamp (build class and module id, schema size and time) skips it.
    /// </summary>
    internal static void EnsureCurrent(AbsolutePath root, AbsolutePath temporary, string buildIdentity, Func<string> generate)
    {
        var path = root / RelativePath;
        var stampFile = temporary / "schema.stamp";
        string Stamp() => path.FileExists()
            ? $"{buildIdentity} {new FileInfo(path).Length} {File.GetLastWriteTimeUtc(path).Ticks}"
            : "";
        if (stampFile.FileExists() && Stamp() is { Length: > 0 } current && File.ReadAllText(stampFile) == current)
            return;

        if (WriteIfChanged(root, generate()) || path.FileExists())
        {
            Directory.CreateDirectory(temporary);
            File.WriteAllText(stampFile, Stamp());
        }
    }

    private static JsonObject Parameter(ParameterDescriptor parameter)
    {
        var json = new JsonObject { ["type"] = JsonType(parameter.Type), ["description"] = parameter.Description };
        if (parameter.Type.IsArray)
            json["items"] = new JsonObject { ["type"] = JsonType(parameter.Type.GetElementType()!) };

        if (parameter.IsSecret)
            json["default"] = "Secrets must be passed on the command line or in the environment";

        return json;
    }

    private static string JsonType(Type type) =>
        type.IsArray ? "array" : type == typeof(bool) ? "boolean" : type == typeof(int) ? "integer" : "string";

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
