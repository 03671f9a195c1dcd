using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TemplateFleet.Fleet;

/// <summary>
/// The strict reader every fleet data file goes through (fleet.yaml, template.yaml, the T4 contract): one
/// YAML document whose root is a mapping of the given keys. Every mistake lands in <see cref="YamlErrors"/>
/// as file:line:column, so a file's errors are reported together.
/// </summary>
internal static class YamlDocument
{
    /// <summary>The root mapping of <paramref name="file"/>, or null (with the reason recorded) when there is none.</summary>
    public static YamlObject? ReadFile(string file, YamlErrors errors, params string[] keys)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.AddFileError(e is FileNotFoundException or DirectoryNotFoundException
                ? "file not found; it is required"
                : $"cannot be read: {e.Message}");
            return null;
        }
        return ReadText(text, errors, keys);
    }

    public static YamlObject? ReadText(string text, YamlErrors errors, params string[] keys)
    {
        var node = Parse(text, errors);
        if (node is null && !errors.Any)
            errors.AddFileError("file is empty; expected a mapping of settings");
        return node is null ? null : YamlObject.From(node, "", errors, node.Start, keys);
    }

    /// <summary>Parses one YAML document; syntax errors and unsupported constructs go to <paramref name="errors"/>.</summary>
    public static YNode? Parse(string text, YamlErrors errors)
    {
        var open = new Stack<Mark>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
                return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, errors, open);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
                errors.Add(parser.Current!.Start, "more than one YAML document; keep one document per file");
            return root;
        }
        catch (YamlException e)
        {
            // YamlDotNet prefixes messages with "(Line: .., Col: .., Idx: ..) - (...): ": we print our own position.
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
            errors.Add(e.Start, $"invalid YAML: {(cut >= 0 ? message[(cut + 3)..] : message).Trim()}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // The parser ran out of events inside an open collection (e.g. "[a" never closed): point at its start.
            var lines = text.Split('\n');
            // (YamlDotNet throws this while scanning past the collection's start event, before we consume it.)
            var innermost = parser.Current is SequenceStart or MappingStart ? parser.Current.Start
                : open.Count > 0 ? open.Peek() : new Mark(text.Length, lines.Length, lines[^1].Length + 1);
            errors.Add(innermost, "invalid YAML: this list or mapping is never closed (unexpected end of file)");
            return null;
        }
    }

    private static YNode ReadNode(IParser parser, YamlErrors errors, Stack<Mark> open)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
            throw new YamlException(alias.Start, alias.End, $"aliases (*{alias.Value}) are not supported; write the value out");
        if (parser.Current is NodeEvent { Anchor.IsEmpty: false } anchored)
            throw new YamlException(anchored.Start, anchored.End, $"anchors (&{anchored.Anchor}) are not supported; write the value out");
        if (parser.TryConsume<Scalar>(out var scalar))
            return new YScalar(scalar.Start, scalar.Value, scalar.Style);
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            open.Push(sequenceStart.Start);
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
                items.Add(ReadNode(parser, errors, open));
            open.Pop();
            return new YSequence(sequenceStart.Start, items);
        }
        var mappingStart = parser.Consume<MappingStart>();
        open.Push(mappingStart.Start);
        var entries = new List<KeyValuePair<YScalar, YNode>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(parser, errors, open);
            var value = ReadNode(parser, errors, open);
            if (keyNode is not YScalar key)
                errors.Add(keyNode.Start, "complex mapping keys are not supported; use a plain word as the key");
            else if (entries.Find(e => e.Key.Value == key.Value) is { Key: { } first })
                errors.Add(key.Start, $"duplicate key '{key.Value}' (first at line {first.Start.Line}); keep one");
            else
                entries.Add(new(key, value));
        }
        open.Pop();
        return new YMapping(mappingStart.Start, entries);
    }
}

/// <summary>Collects the errors of one YAML file so they are reported together, each as
/// `file:line:column: message` with the file relative to the repository root.</summary>
internal sealed class YamlErrors(string displayPath)
{
    private readonly List<(long Line, long Column, string Text)> _errors = [];

    public bool Any => _errors.Count > 0;
    public IEnumerable<string> Messages => _errors.OrderBy(e => e.Line).ThenBy(e => e.Column).Select(e => e.Text);

    public void Add(Mark at, string message) =>
        _errors.Add((at.Line, at.Column, $"{displayPath}:{at.Line}:{at.Column}: {message}"));

    /// <summary>An error about the file as a whole (missing, unreadable).</summary>
    public void AddFileError(string message) => _errors.Add((0, 0, $"{displayPath}: {message}"));

    public void ThrowIfAny()
    {
        if (Any)
            throw new FleetException(string.Join(Environment.NewLine, Messages));
    }
}

// A tiny YAML tree built from YamlDotNet's parser events. We do not use YamlStream because it stops at the
// first duplicate key; building the tree ourselves keeps every node's position and lets us report all
// duplicates (with both lines) together with the other errors of the file.

internal abstract record YNode(Mark Start)
{
    public string Kind => this switch
    {
        YScalar scalar => scalar.IsNull ? "nothing (null)" : "a scalar",
        YSequence => "a list",
        _ => "a mapping",
    };
}

internal sealed record YScalar(Mark Start, string Value, ScalarStyle Style) : YNode(Start)
{
    public bool IsQuoted => Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
    /// <summary>A plain empty scalar, `~` or `null`: YAML's null.</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YSequence(Mark Start, IReadOnlyList<YNode> Items) : YNode(Start);

internal sealed record YMapping(Mark Start, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(Start);

