using TemplateFleet.Files;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TemplateFleet.KeepCurrent;

/// <summary>
/// Changes one scalar of a YAML file in place (Bump's data change): the value at a key path is replaced and every
/// other byte (comments, order, quoting of other values) stays, so the pull request's diff is that one value.
/// </summary>
public static class DataEdit
{
    /// <summary>Sets <paramref name="keys"/> of <paramref name="file"/> to <paramref name="value"/>; returns the value it had.</summary>
    /// <param name="display">The file as messages name it.</param>
    public static string Set(string file, IReadOnlyList<string> keys, string value, string display)
    {
        var text = File.ReadAllText(file);
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        parser.Consume<DocumentStart>();
        var (start, end, old) = Find(parser, keys, 0)
            ?? throw new KeepCurrentException($"{display} has no {string.Join('.', keys)} to change; add it (see templates/fleet.yaml in the repository) and run again.");
        var written = Needs(value) ? $"'{value.Replace("'", "''", StringComparison.Ordinal)}'" : value;
        AtomicFile.Write(file, string.Concat(text.AsSpan(0, start), written, text.AsSpan(end)));
        return old;
    }

    /// <summary>The character range of the scalar at the key path, and its value; null when the path is not there.</summary>
    static (int, int, string)? Find(IParser parser, IReadOnlyList<string> keys, int depth)
    {
        if (!parser.TryConsume<MappingStart>(out _))
            return null;
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = parser.Consume<Scalar>();
            if (key.Value == keys[depth])
            {
                if (depth == keys.Count - 1)
                    return parser.Current is Scalar value && parser.MoveNext() ? ((int)value.Start.Index, (int)value.End.Index, value.Value) : null;
                return Find(parser, keys, depth + 1);
            }
            parser.SkipThisAndNestedEvents();
        }
        return null;
    }

    // A plain scalar that YAML would read as something else, or that holds a comment or mapping marker, is quoted.
    static bool Needs(string value) =>
        value.Length == 0 || value.Contains(": ", StringComparison.Ordinal) || value.Contains(" #", StringComparison.Ordinal)
        || "'\"&*!|>%@`{[,#-?".Contains(value[0]) || value is "true" or "false" or "null" or "~";
}
