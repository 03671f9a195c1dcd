using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace TemplateFleet.Host;

/// <summary>(Re)configures the static Serilog logger for one run: the run's writer, level and secret masking.</summary>
internal static class LogSetup
{
    private const string Template = "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static void Configure(TextWriter writer, SecretMasker masker, Verbosity verbosity)
    {
        var rendering = new TextWriterSink(writer, new MessageTemplateTextFormatter(Template, CultureInfo.InvariantCulture));
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(Level(verbosity))
            .WriteTo.Sink(new MaskingSink(masker, rendering))
            .CreateLogger();
    }

    public static LogEventLevel Level(Verbosity verbosity) => verbosity switch
    {
        Verbosity.Quiet => LogEventLevel.Error,
        Verbosity.Minimal => LogEventLevel.Warning,
        Verbosity.Normal => LogEventLevel.Information,
        _ => LogEventLevel.Verbose,
    };
}

/// <summary>Renders events to the run's writer (Serilog 4 core has no TextWriter sink).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
