using System.Reflection;
using System.Text.RegularExpressions;

namespace TemplateFleet.Host;

/// <summary>One [Parameter] field of the build class (NUKE's <c>[Parameter] readonly T Name;</c>), with where its
/// current value came from.</summary>
public sealed partial class ParameterDescriptor(FieldInfo member, ParameterAttribute attribute)
{
    /// <summary>The member's name, PascalCase, as in parameters.json and the schema.</summary>
    public string Name => member.Name;
    /// <summary>As typed on the command line: "--runtime-version".</summary>
    public string CommandLineName => "--" + KebabBoundary().Replace(Name, "$1-$2").ToLowerInvariant();
    /// <summary>The canonical environment variable: RUNTIME_VERSION.</summary>
    public string EnvironmentName => KebabBoundary().Replace(Name, "$1_$2").ToUpperInvariant();
    /// <summary>As a workflow input, matrix key or job output: runtime_version.</summary>
    public string OutputId => EnvironmentName.ToLowerInvariant();
    public string Description { get; } = attribute.Description ?? "";
    public bool IsSecret { get; } = member.GetCustomAttribute<SecretAttribute>() is not null;
    public Type ValueType => member.FieldType;
    /// <summary>"default", "command line (--x)", "environment (X)", a parameters file...</summary>
    public string Source { get; internal set; } = "default";

    internal static IReadOnlyList<ParameterDescriptor> For(Type buildType)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var result = new List<ParameterDescriptor>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var type = buildType; type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(flags).OrderBy(f => f.MetadataToken))
            {
                if (field.GetCustomAttribute<ParameterAttribute>() is { } attribute && seen.Add(field.Name))
                    result.Add(new ParameterDescriptor(field, attribute));
            }
        }

        return result;
    }

    public object? GetValue(object build) => member.GetValue(build);

    internal void SetValue(object build, object? value) => member.SetValue(build, value);

    /// <summary>The value for people: masked when secret, lists comma-joined.</summary>
    public string Display(object build) =>
        GetValue(build) is null or "" or Array { Length: 0 } ? "(not set)" : IsSecret ? SecretMasker.Mask : string.Join(",", Values(build));

    /// <summary>A list parameter's items, else the value itself.</summary>
    internal IEnumerable<object?> Values(object build) =>
        GetValue(build) is System.Collections.IEnumerable list and not string ? list.Cast<object?>() : [GetValue(build)];

    /// <summary>A short type name for help: string, string[], int, bool, path, or the enum's values.</summary>
    public string TypeName => ShortName(Nullable.GetUnderlyingType(ValueType) ?? ValueType);

    private static string ShortName(Type type) => type switch
    {
        { IsArray: true } => ShortName(type.GetElementType()!) + "[]",
        _ when type == typeof(string) => "string",
        _ when type == typeof(int) => "int",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(AbsolutePath) => "path",
        _ => type.Name,
    };

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
