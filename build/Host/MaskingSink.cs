using System.Globalization;
using System.Text;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace TemplateFleet.Host;

/// <summary>
/// The run's Serilog sink: masks secrets in the template and every property value, then renders the event to the run's
/// masking writer, which masks the exception (Serilog 4 core has no TextWriter sink).
/// </summary>
internal sealed class MaskingSink(SecretMasker masker, MaskingTextWriter writer) : ILogEventSink
{
    private static readonly MessageTemplateParser Parser = new();
    private readonly MessageTemplateTextFormatter _formatter = new("{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);
    private readonly Lock _gate = new();

    /// <summary>(Re)configures the static Serilog logger for one run: the run's writer, level and secret masking.</summary>
    public static void Configure(MaskingTextWriter writer, SecretMasker masker, Verbosity verbosity)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(verbosity switch
            {
                Verbosity.Quiet => LogEventLevel.Error,
                Verbosity.Minimal => LogEventLevel.Warning,
                Verbosity.Normal => LogEventLevel.Information,
                _ => LogEventLevel.Verbose,
            })
            .WriteTo.Sink(new MaskingSink(masker, writer))
            .CreateLogger();
    }

    public void Emit(LogEvent logEvent)
    {
        var masked = masker.HasSecrets ? Mask(logEvent) : logEvent;
        lock (_gate)
        {
            _formatter.Format(masked, writer);
            writer.Flush();
        }
    }

    private LogEvent Mask(LogEvent logEvent)
    {
        var template = masker.Apply(logEvent.MessageTemplate.Text) is var text && text != logEvent.MessageTemplate.Text
            ? Parser.Parse(text)
            : logEvent.MessageTemplate;
        // The exception is rendered in one write, its ToString() and a line break: the writer masks it whole.
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Mask(p.Value)));
        return new LogEvent(logEvent.Timestamp, logEvent.Level, logEvent.Exception, template, properties);
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
}

/// <summary>Masks secrets in everything written: buffers a line, masks it, passes it on.</summary>
internal sealed class MaskingTextWriter(TextWriter inner, SecretMasker masker) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (value is null)
            return;

        lock (_gate)
        {
            _line.Append(value);
            if (value.Contains('\n'))
                FlushLine();
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (_gate)
        {
            FlushLine();
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Flush();

        base.Dispose(disposing);
    }

    private void FlushLine()
    {
        inner.Write(masker.Apply(_line.ToString()));
        _line.Clear();
    }
}
