using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace TemplateFleet.Host;

/// <summary>Marks a field of the build class as a parameter (NUKE's <c>[Parameter]</c>).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    public string? Description { get; } = description;
}

/// <summary>The value is masked ("*****") in help, plan, logs, summary and error messages.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SecretAttribute : Attribute;

/// <summary>One [Parameter] field of the build class (NUKE's <c>[Parameter] readonly T Name;</c>), with where its
/// current value came from.</summary>
public sealed partial class ParameterDescriptor(FieldInfo member, ParameterAttribute attribute)
{
    private static readonly char[] ListSeparators = [',', ' ', '\t', '\n', '\r'];

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
        // The build class first: a field of a base class hidden by one of the same name is not a second parameter.
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var hierarchy = new List<Type>();
        for (var type = buildType; type is not null && type != typeof(object); type = type.BaseType)
            hierarchy.Add(type);

        return [.. hierarchy.SelectMany(t => t.GetFields(flags).OrderBy(f => f.MetadataToken))
            .Where(f => f.IsDefined(typeof(ParameterAttribute)))
            .DistinctBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .Select(f => new ParameterDescriptor(f, f.GetCustomAttribute<ParameterAttribute>()!))];
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
    public string TypeName => ShortName(Type);

    /// <summary>The value's type, a nullable one unwrapped.</summary>
    internal Type Type => Nullable.GetUnderlyingType(ValueType) ?? ValueType;

    private static string ShortName(Type type) => type switch
    {
        { IsArray: true } => ShortName(type.GetElementType()!) + "[]",
        _ when type == typeof(string) => "string",
        _ when type == typeof(int) => "int",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(AbsolutePath) => "path",
        _ => type.Name,
    };

    /// <summary>Turns raw text values into the parameter's type; a failure is a usage error naming parameter and source.</summary>
    internal object? Convert(IReadOnlyList<string> values, string source, AbsolutePath root)
    {
        try
        {
            if (Type.IsArray)
            {
                var element = Type.GetElementType()!;
                var items = values.SelectMany(v => v.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
                var array = Array.CreateInstance(element, items.Length);
                for (var i = 0; i < items.Length; i++)
                    array.SetValue(ConvertScalar(element, items[i], root), i);

                return array;
            }

            if (Type == typeof(bool) && values.Count == 0)
                return true; // a bare flag

            if (values.Count != 1)
                throw new FormatException(values.Count == 0 ? "a value is required" : $"expects one value, got {values.Count}");

            return ConvertScalar(Type, values[0], root);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidCastException)
        {
            var shown = IsSecret ? SecretMasker.Mask : string.Join(" ", values);
            throw new InvalidUsageException($"Parameter {Name} from {source}: '{shown}' is not a valid {TypeName} ({e.Message.TrimEnd('.')}).");
        }
    }

    private static object ConvertScalar(Type type, string text, AbsolutePath root) => type switch
    {
        _ when type == typeof(string) => text,
        _ when type == typeof(bool) => text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new FormatException("use true or false"),
        },
        // Relative paths are relative to the repository root, whatever the current directory.
        _ when type == typeof(AbsolutePath) => Path.IsPathRooted(text) ? AbsolutePath.Create(text) : root / text,
        _ when type == typeof(int) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
        _ => System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
