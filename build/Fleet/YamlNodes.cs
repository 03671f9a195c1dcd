using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TemplateFleet.Fleet;

// A tiny YAML tree built from YamlDotNet's parser events. We do not use YamlStream because it stops at the
// first duplicate key; building the tree ourselves keeps every node's position and lets us report all
// duplicates (with both lines) together with the other errors of the file.

internal abstract record YNode(Mark Start)
{
    public abstract string Kind { get; }
}

internal sealed record YScalar(Mark Start, string Value, ScalarStyle Style) : YNode(Start)
{
    public bool IsQuoted => Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
    /// <summary>A plain empty scalar, `~` or `null`: YAML's null.</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL";
    public override string Kind => IsNull ? "nothing (null)" : "a scalar";
}

internal sealed record YSequence(Mark Start, IReadOnlyList<YNode> Items) : YNode(Start)
{
    public override string Kind => "a list";
}

internal sealed record YMapping(Mark Start, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(Start)
{
    public override string Kind => "a mapping";
}

internal static class YamlTree
{
    /// <summary>Parses one YAML document; syntax errors and unsupported constructs go to <paramref name="errors"/>.</summary>
    public static YNode? Parse(string text, YamlErrors errors)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, errors);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                errors.Add(parser.Current!.Start, "more than one YAML document; keep one document per file");
            }
            return root;
        }
        catch (YamlException e)
        {
            errors.Add(e.Start, $"invalid YAML: {Describe(e)}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // The parser ran out of events inside an open collection (e.g. "[a" never closed).
            var lines = text.Split('\n');
            errors.Add(new Mark(text.Length, lines.Length, lines[^1].Length + 1), "invalid YAML: unexpected end of file inside an unclosed list or mapping");
            return null;
        }
    }

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes messages with "(Line: .., Col: .., Idx: ..) - (...): ": we print our own position.
        var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 ? message[(cut + 3)..] : message).Trim();
    }

    private static YNode ReadNode(IParser parser, YamlErrors errors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            throw new YamlException(alias.Start, alias.End, $"aliases (*{alias.Value}) are not supported; write the value out");
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            RejectAnchor(scalar);
            return new YScalar(scalar.Start, scalar.Value, scalar.Style);
        }
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            RejectAnchor(sequenceStart);
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, errors));
            }
            return new YSequence(sequenceStart.Start, items);
        }
        var mappingStart = parser.Consume<MappingStart>();
        RejectAnchor(mappingStart);
        var entries = new List<KeyValuePair<YScalar, YNode>>();
        var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(parser, errors);
            var value = ReadNode(parser, errors);
            if (keyNode is not YScalar key)
            {
                errors.Add(keyNode.Start, "complex mapping keys are not supported; use a plain word as the key");
                continue;
            }
            if (seen.TryGetValue(key.Value, out var first))
            {
                errors.Add(key.Start, $"duplicate key '{key.Value}' (first at line {first.Start.Line}); keep one");
                continue;
            }
            seen[key.Value] = key;
            entries.Add(new(key, value));
        }
        return new YMapping(mappingStart.Start, entries);
    }

    private static void RejectAnchor(NodeEvent node)
    {
        if (!node.Anchor.IsEmpty)
        {
            throw new YamlException(node.Start, node.End, $"anchors (&{node.Anchor}) are not supported; write the value out");
        }
    }
}
