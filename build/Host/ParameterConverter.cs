using System.Globalization;

namespace TemplateFleet.Host;

/// <summary>Turns raw text values into a parameter's type; a failure is a usage error naming parameter and source.</summary>
internal static class ParameterConverter
{
    private static readonly char[] ListSeparators = [',', ' ', '\t', '\n', '\r'];

    public static object? Convert(ParameterDescriptor parameter, IReadOnlyList<string> values, string source, AbsolutePath root)
    {
        var type = Nullable.GetUnderlyingType(parameter.ValueType) ?? parameter.ValueType;
        try
        {
            if (type.IsArray)
            {
                var element = type.GetElementType()!;
                var items = values.SelectMany(v => v.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
                var array = Array.CreateInstance(element, items.Length);
                for (var i = 0; i < items.Length; i++)
                    array.SetValue(ConvertScalar(element, items[i], root), i);

                return array;
            }

            if (type == typeof(bool) && values.Count == 0)
            {
                return true; // a bare flag
            }

            if (values.Count != 1)
                throw new FormatException(values.Count == 0 ? "a value is required" : $"expects one value, got {values.Count}");

            return ConvertScalar(type, values[0], root);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidCastException)
        {
            var shown = parameter.IsSecret ? SecretMasker.Mask : string.Join(" ", values);
            throw new InvalidUsageException(
                $"Parameter {parameter.Name} from {source}: '{shown}' is not a valid {parameter.TypeName} ({e.Message.TrimEnd('.')}).");
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
}
