using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TemplateFleet.Host;

/// <summary>
/// .nuke/build.schema.json in NUKE's shape: the build's parameters, plus NukeBuild's options with the
/// target names as enums, so editors complete parameters.json.
/// </summary>
public static class SchemaGenerator
{
    public const string RelativePath = ".nuke/build.schema.json";

    public static string Generate<TBuild>()
        where TBuild : NukeBuild, new()
    {
        var build = new TBuild();
        return Generate(TargetGraph.Create(build).Targets, ParameterDescriptor.For(typeof(TBuild)));
    }

    internal static string Generate(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterDescriptor> parameters)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-04/schema#");
            json.WriteStartObject("definitions");

            json.WriteStartObject("ExecutableTarget");
            json.WriteString("type", "string");
            WriteEnum(json, targets.Select(t => t.Name));
            json.WriteEndObject();

            json.WriteStartObject("Verbosity");
            json.WriteString("type", "string");
            json.WriteString("description", "");
            WriteEnum(json, Enum.GetNames<Verbosity>());
            json.WriteEndObject();

            json.WriteStartObject("NukeBuild");
            json.WriteStartObject("properties");
            WriteSimple(json, "Continue", "boolean", "Indicates to continue a previously failed build attempt");
            WriteSimple(json, "Help", "boolean", "Shows the help text for this build assembly");
            WriteSimple(json, "NoLogo", "boolean", "Disables displaying the logo");
            WriteSimple(json, "Plan", "boolean", "Prints the execution order with reasons and exits");
            json.WriteStartObject("Profile");
            json.WriteString("type", "array");
            json.WriteString("description", "");
            json.WriteStartObject("items");
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteEndObject();
            WriteSimple(json, "Root", "string", "Root directory during build execution");
            WriteTargetList(json, "Skip", "List of targets to be skipped. Empty list skips all dependencies");
            WriteTargetList(json, "Target", "List of targets to be invoked");
            json.WriteStartObject("Verbosity");
            json.WriteString("description", "Logging verbosity during build execution. Default is 'Normal'");
            json.WriteString("$ref", "#/definitions/Verbosity");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteEndObject(); // definitions

            json.WriteStartArray("allOf");
            json.WriteStartObject();
            json.WriteStartObject("properties");
            foreach (var parameter in parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                WriteParameter(json, parameter);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("$ref", "#/definitions/NukeBuild");
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the schema when it differs from the file (NUKE regenerates on local runs).</summary>
    internal static bool WriteIfChanged(AbsolutePath root, string content)
    {
        var path = root / RelativePath;
        if (!path.Parent!.DirectoryExists() || (path.FileExists() && File.ReadAllText(path) == content))
        {
            return false;
        }

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
        {
            return;
        }

        if (WriteIfChanged(root, generate()) || path.FileExists())
        {
            Directory.CreateDirectory(temporary);
            File.WriteAllText(stampFile, Stamp());
        }
    }

    private static void WriteParameter(Utf8JsonWriter json, ParameterDescriptor parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ValueType) ?? parameter.ValueType;
        json.WriteStartObject(parameter.Name);
        if (type.IsArray)
        {
            json.WriteString("type", "array");
            json.WriteString("description", parameter.Description);
            json.WriteStartObject("items");
            WriteType(json, type.GetElementType()!);
            json.WriteEndObject();
        }
        else
        {
            WriteType(json, type);
            json.WriteString("description", parameter.Description);
        }

        if (parameter.IsSecret)
        {
            json.WriteString("default", "Secrets must be passed on the command line or in the environment");
        }

        json.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter json, Type type)
    {
        json.WriteString("type", type == typeof(bool) ? "boolean" : type == typeof(int) || type == typeof(long) ? "integer" : "string");
        if (type.IsEnum)
        {
            WriteEnum(json, Enum.GetNames(type));
        }
    }

    private static void WriteSimple(Utf8JsonWriter json, string name, string type, string description)
    {
        json.WriteStartObject(name);
        json.WriteString("type", type);
        json.WriteString("description", description);
        json.WriteEndObject();
    }

    private static void WriteTargetList(Utf8JsonWriter json, string name, string description)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "array");
        json.WriteString("description", description);
        json.WriteStartObject("items");
        json.WriteString("$ref", "#/definitions/ExecutableTarget");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEnum(Utf8JsonWriter json, IEnumerable<string> values)
    {
        json.WriteStartArray("enum");
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
