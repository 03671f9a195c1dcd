using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace TemplateFleet.Host;

/// <summary>
/// Serilog sink wrapper: masks secrets in the template, every property value and the exception before any
/// sink renders them, so a file or CI sink added later is covered too.
/// </summary>
public sealed class MaskingSink(SecretMasker masker, ILogEventSink inner) : ILogEventSink
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent)
    {
        if (!masker.HasSecrets)
        {
            inner.Emit(logEvent);
            return;
        }

        var template = masker.Apply(logEvent.MessageTemplate.Text) is var text && text != logEvent.MessageTemplate.Text
            ? Parser.Parse(text)
            : logEvent.MessageTemplate;
        var exception = logEvent.Exception is { } e && masker.Apply(e.ToString()) is var shown && shown != e.ToString()
            ? new MaskedException(masker.Apply(e.Message), shown)
            : logEvent.Exception;
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Mask(p.Value)));
        inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, template, properties));
    }

    private LogEventPropertyValue Mask(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => new ScalarValue(masker.Apply(s)),
        ScalarValue { Value: { } other } when masker.Apply(other.ToString() ?? "") is var t && t != other.ToString() => new ScalarValue(t),
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(Mask)),
        StructureValue structure => new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value))), structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Mask(kv.Value)))),
        _ => value,
    };

    /// <summary>Stands in for an exception whose text held a secret; renders as the masked original.</summary>
    private sealed class MaskedException(string message, string rendered) : Exception(message)
    {
        public override string ToString() => rendered;
    }
}
