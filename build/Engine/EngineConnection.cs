using System.Net.Sockets;
using TemplateFleet.Fleet;

namespace TemplateFleet.Engine;

/// <summary>
/// An engine lost in the middle of a run (dockerd killed, its host gone): one line naming the endpoint and
/// the stage instead of the transport's "HttpRequestException: Connection failed.".
/// </summary>
public static class EngineConnection
{
    /// <summary>True when <paramref name="e"/> (or what it wraps) is a failure to reach the engine, not an answer from it.</summary>
    public static bool IsConnectionFailure(Exception e) => e switch
    {
        HttpRequestException or SocketException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsConnectionFailure),
        IOException when e.InnerException is SocketException => true,
        IOException io when io.Message.Contains("connection", StringComparison.OrdinalIgnoreCase) => true,
        _ => e.InnerException is { } inner && IsConnectionFailure(inner),
    };

    /// <summary>The message when the engine stopped answering during <paramref name="stage"/>.</summary>
    public static FleetException Lost(Uri endpoint, string stage, Exception e) =>
        new($"{stage}: the Docker engine at {endpoint} stopped answering ({Innermost(e).Message.TrimEnd('.')}); " +
            "what it held of this run is removed by the next run once the engine is back (./build.sh starts a local engine itself when none answers).", e);

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
