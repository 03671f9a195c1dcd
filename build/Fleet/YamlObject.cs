using System.Globalization;
using YamlDotNet.Core;

namespace TemplateFleet.Fleet;

/// <summary>Strict, typed access to one YAML mapping: unknown keys, missing required keys and wrong types
/// are recorded (never thrown), so one pass reports every mistake of a file.</summary>
internal sealed class YamlObject(YMapping node, string path, YamlErrors errors)
{
    private readonly Dictionary<string, KeyValuePair<YScalar, YNode>> _entries = node.Entries.ToDictionary(e => e.Key.Value, StringComparer.Ordinal);
    // Where "missing key" errors point: the line of the parent key ("agent:"), not of the first child.
    private Mark _anchor = node.Start;

    public YamlErrors Errors => errors;
    public Mark Start => node.Start;

    private static string Where(string path) => path.Length == 0 ? "at the top level" : $"in '{path}'";

    /// <summary>The mapping <paramref name="node"/> read with <paramref name="keys"/> (any other key is an error), or null
    /// (with the reason recorded, at <paramref name="fallback"/> when there is no node) when it is not a mapping.</summary>
    public static YamlObject? From(YNode? node, string path, YamlErrors errors, Mark fallback, params string[] keys)
    {
        if (node is not YMapping mapping)
        {
            errors.Add(node?.Start ?? fallback, $"{(path.Length == 0 ? "the file" : $"'{path}'")} must be a mapping, got {node?.Kind ?? "nothing"}");
            return null;
        }
        foreach (var (key, _) in mapping.Entries.Where(e => !keys.Contains(e.Key.Value, StringComparer.Ordinal)))
            errors.Add(key.Start, $"unknown key '{key.Value}' {Where(path)} (expected one of: {string.Join(", ", keys)})");
        return new YamlObject(mapping, path, errors);
    }

    /// <summary>The dotted path of <paramref name="key"/> in the file (this mapping's path is "" for the document root).</summary>
    public string Child(string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Where <paramref name="key"/> is written, or where this mapping starts when it is absent.</summary>
    public Mark At(string key) => _entries.TryGetValue(key, out var e) ? e.Key.Start : _anchor;

    public bool Has(string key) => _entries.TryGetValue(key, out var e) && !(e.Value is YScalar { IsNull: true });

    /// <summary>The value node, or null (recording an error when required) if the key is absent.</summary>
    public YNode? Node(string key, bool required)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Value is not YScalar { IsNull: true })
                return entry.Value;
            if (required)
                Errors.Add(entry.Key.Start, $"'{Child(key)}' must have a value");
            return null;
        }
        if (required)
            Errors.Add(_anchor, $"missing required key '{key}' {Where(path)}");
        return null;
    }

    public YScalar? Scalar(string key, bool required) => Node(key, required) switch
    {
        null => null,
        YScalar scalar => scalar,
        var node => Fail<YScalar>(node, $"'{Child(key)}' must be a scalar, got {node.Kind}"),
    };

    /// <summary>The scalar, recording <paramref name="message"/> of its value when <paramref name="valid"/> refuses it (it is returned all the same).</summary>
    public YScalar? Scalar(string key, bool required, Func<string, bool> valid, Func<string, string> message)
    {
        var scalar = Scalar(key, required);
        if (scalar is not null && !valid(scalar.Value))
            Errors.Add(scalar.Start, message(scalar.Value));
        return scalar;
    }

    public string? String(string key, bool required) => Scalar(key, required) switch
    {
        null => null,
        var s when s.Value.Trim().Length == 0 => Fail<string>(s, $"'{Child(key)}' must not be empty"),
        var s => s.Value,
    };

    public int? Int(string key, bool required, int min, int max) => Scalar(key, required) switch
    {
        null => null,
        { IsQuoted: true } s => Fail<int?>(s, $"'{Child(key)}' must be an integer, got the quoted string '{s.Value}'; remove the quotes"),
        var s => !int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? Fail<int?>(s, $"'{Child(key)}' must be an integer, got '{s.Value}'")
            : value < min || value > max ? Fail<int?>(s, $"'{Child(key)}' must be between {min} and {max}, got {value}") : value,
    };

    /// <summary>A whole number greater than 0, unquoted.</summary>
    public int? PositiveInt(string key, bool required) => Scalar(key, required) switch
    {
        null => null,
        { IsQuoted: false } s when int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 => value,
        var s => Fail<int?>(s, $"'{Child(key)}' must be a whole number greater than 0, got {(s.IsQuoted ? "the quoted string " : "")}'{s.Value}'"),
    };

    /// <summary>true or false, unquoted (YAML 1.2's booleans; "yes" is a string).</summary>
    public bool? Bool(string key, bool required) => Scalar(key, required) switch
    {
        null => null,
        { IsQuoted: false, Value: "true" or "false" } s => s.Value == "true",
        var s => Fail<bool?>(s, $"'{Child(key)}' must be true or false, got '{s.Value}'"),
    };

    /// <summary>Records <paramref name="message"/> at <paramref name="node"/> and reads as no value.</summary>
    public T? Fail<T>(YNode node, string message)
    {
        Errors.Add(node.Start, message);
        return default;
    }

    public YamlObject? Object(string key, bool required, params string[] keys)
    {
        var child = Node(key, required) is { } node ? From(node, Child(key), Errors, Start, keys) : null;
        child?._anchor = _entries[key].Key.Start;
        return child;
    }

    public IReadOnlyList<YNode>? List(string key, bool required) => Node(key, required) switch
    {
        null => null,
        YSequence sequence => sequence.Items,
        var node => Fail<IReadOnlyList<YNode>>(node, $"'{Child(key)}' must be a list, got {node.Kind}"),
    };

    /// <summary>The mappings listed under <paramref name="key"/> (optional), each read with <paramref name="keys"/>;
    /// an item that is not a mapping is recorded and left out.</summary>
    public IReadOnlyList<YamlObject> Objects(string key, params string[] keys) =>
        (List(key, required: false) ?? []).Select((node, i) => From(node, $"{Child(key)}[{i}]", Errors, Start, keys)).OfType<YamlObject>().ToList();

    /// <summary>A list of non-empty scalars; duplicates are errors.</summary>
    public IReadOnlyList<YScalar>? StringList(string key, bool required)
    {
        if (List(key, required) is not { } items)
            return null;
        var result = new List<YScalar>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not YScalar { IsNull: false } scalar || scalar.Value.Trim().Length == 0)
                Errors.Add(items[i].Start, $"'{Child(key)}[{i}]' must be a non-empty scalar, got {items[i].Kind}");
            else if (result.Find(r => r.Value == scalar.Value) is { } first)
                Errors.Add(scalar.Start, $"'{Child(key)}' lists '{scalar.Value}' twice (first at line {first.Start.Line})");
            else
                result.Add(scalar);
        }
        return result;
    }
}
