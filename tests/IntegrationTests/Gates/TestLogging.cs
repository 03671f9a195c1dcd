using Serilog;

namespace IntegrationTests.Gates;

/// <summary>Gate logs to the console so `dotnet test --logger "console;verbosity=detailed"` shows them.</summary>
public static class TestLogging
{
    static TestLogging() =>
        Log.Logger = new LoggerConfiguration().MinimumLevel.Debug()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}").CreateLogger();

    public static void Enable()
    {
        // The static constructor does the work, once.
    }
}
