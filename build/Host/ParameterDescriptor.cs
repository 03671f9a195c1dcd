using System.Reflection;
using System.Text.RegularExpressions;

namespace TemplateFleet.Host;

/// <summary>One [Parameter] member of the build class, with where its current value came from.</summary>
public sealed partial class ParameterDescriptor
{
    private ParameterDescriptor(MemberInfo member, ParameterAttribute attribute)
    {
        Member = member;
        Name = member.Name;
        Description = attribute.Description ?? "";
        IsSecret = member.GetCustomAttribute<SecretAttribute>() is not null;
        ValueType = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
    }

    /// <summary>The member's name, PascalCase, as in parameters.json and the schema.</summary>
    public string Name { get; }
    /// <summary>As typed on the command line: "--runtime-version".</summary>
    public string CommandLineName => "--" + KebabBoundary().Replace(Name, "$1-$2").ToLowerInvariant();
    /// <summary>The canonical environment variable: RUNTIME_VERSION.</summary>
    public string EnvironmentName => KebabBoundary().Replace(Name, "$1_$2").ToUpperInvariant();
    /// <summary>As a workflow input, matrix key or job output: runtime_version.</summary>
    public string OutputId => EnvironmentName.ToLowerInvariant();
    public string Description { get; }
    public bool IsSecret { get; }
    public Type ValueType { get; }
    /// <summary>"default", "command line (--x)", "environment (X)", a parameters file...</summary>
    public string Source { get; internal set; } = "default";

    internal MemberInfo Member { get; }

    internal static IReadOnlyList<ParameterDescriptor> For(Type buildType)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        var result = new List<ParameterDescriptor>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var type = buildType; type is not null && type != typeof(object); type = type.BaseType)
        {
            var members = type.GetFields(flags | BindingFlags.DeclaredOnly).Cast<MemberInfo>()
                .Concat(type.GetProperties(flags | BindingFlags.DeclaredOnly))
                .OrderBy(m => m.MetadataToken);
            foreach (var member in members)
            {
                if (member.GetCustomAttribute<ParameterAttribute>() is { } attribute)
                {
                    var descriptor = new ParameterDescriptor(member, attribute);
                    if (seen.Add(descriptor.Name))
                        result.Add(descriptor);
                }
            }
        }

        return result;
    }

    public object? GetValue(object build) => Member switch
    {
        FieldInfo field => field.GetValue(field.IsStatic ? null : build),
        PropertyInfo property => property.GetValue(property.GetMethod!.IsStatic ? null : build),
        _ => null,
    };

    internal void SetValue(object build, object? value)
    {
        switch (Member)
        {
            case FieldInfo field:
                field.SetValue(field.IsStatic ? null : build, value);
                break;
            case PropertyInfo { SetMethod: not null } property:
                property.SetValue(property.SetMethod.IsStatic ? null : build, value);
                break;
            case PropertyInfo property:
                // Get-only auto-property: write its compiler-generated backing field.
                var backing = property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                    ?? throw new InvalidOperationException($"Parameter {Name} is a property without a setter or backing field.");
                backing.SetValue(build, value);
                break;
        }
    }

    /// <summary>The value for people: masked when secret, lists comma-joined.</summary>
    public string Display(object build)
    {
        var value = GetValue(build);
        if (value is null || (value is string s && s.Length == 0) || (value is Array { Length: 0 }))
            return "(not set)";

        if (IsSecret)
            return SecretMasker.Mask;

        return value is System.Collections.IEnumerable list and not string
            ? string.Join(",", list.Cast<object?>())
            : value.ToString() ?? "";
    }

    /// <summary>A short type name for help: string, string[], int, bool, path, or the enum's values.</summary>
    public string TypeName
    {
        get
        {
            var type = Nullable.GetUnderlyingType(ValueType) ?? ValueType;
            if (type.IsArray)
                return ShortName(type.GetElementType()!) + "[]";

            return ShortName(type);
        }
    }

    private static string ShortName(Type type) => type switch
    {
        _ when type == typeof(string) => "string",
        _ when type == typeof(int) => "int",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(AbsolutePath) => "path",
        _ => type.Name,
    };

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
