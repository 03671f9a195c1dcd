using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.Engine;

/// <param name="Paths">Where build/Engine/ensure-engine.sh is and where dockerd's log goes when we start an engine.</param>
/// <param name="StartTimeout">How long a freshly started engine may take to answer.</param>
public sealed record EngineOptions(RunPaths Paths, TimeSpan? StartTimeout = null);

/// <param name="Provisioned">True when this build installed/started the engine.</param>
/// <param name="LogFile">dockerd's log when we started it; null for an engine we only reuse.</param>
public sealed record EngineInfo(string ServerVersion, string ApiVersion, Uri Endpoint, bool Provisioned, string? LogFile);

/// <summary>
/// Makes sure a Docker engine answers: reuses a running one; on a Debian host where we are root and the
/// endpoint is the local socket, installs and starts one (ensure-engine.sh); otherwise says exactly what to do.
/// </summary>
public sealed class EngineProvisioner(IEngineHost host)
{
    /// <summary>Makes sure the engine answers, then settles the API version its client speaks.</summary>
    public static async Task<EngineInfo> EnsureAsync(DockerEngine engine, EngineOptions options, CancellationToken ct)
    {
        var info = await new EngineProvisioner(new LocalEngineHost(options.Paths.Root, engine)).EnsureEngineAsync(engine.Endpoint, options, ct);
        var api = await engine.NegotiateAsync(ct);
        Log.Information("Engine API {Api} negotiated (the engine: up to {Max}; this build: {Min} to {Ours})",
            api.ToString(2), info.ApiVersion, EngineApi.Minimum.ToString(2), EngineApi.Maximum.ToString(2));
        return info;
    }

    public async Task<EngineInfo> EnsureEngineAsync(Uri endpoint, EngineOptions options, CancellationToken ct)
    {
        if (await host.PingAsync(endpoint, ct) is { } running)
        {
            Log.Information("Docker engine {Version} (API {Api}) at {Endpoint}", running.Version, running.ApiVersion, endpoint);
            return new EngineInfo(running.Version, running.ApiVersion, endpoint, Provisioned: false, LogFile: null);
        }

        if (CannotProvisionReason(endpoint) is { } reason)
            throw new FleetException(ManualSteps(endpoint, reason));

        Log.Information("No Docker engine answers at {Endpoint}; installing/starting one (log: {LogFile})", endpoint, options.Paths.EngineLog);
        var pid = await host.StartEngineAsync(endpoint, options.Paths.EngineLog, ct);

        var timeout = options.StartTimeout ?? TimeSpan.FromSeconds(60);
        var alive = () => pid is not { } p || host.IsRunning(p);
        var started = await WaitUntilAnswersAsync(endpoint, timeout, alive, ct)
            ?? throw new FleetException(
                (alive() ? $"Started dockerd but it did not answer at {endpoint} within {timeout.TotalSeconds:0} s."
                         : $"dockerd exited during start-up without answering at {endpoint}.")
                + $" Last lines of its log ({options.Paths.EngineLog}):" + Environment.NewLine + LogTail(options.Paths.EngineLog, 12));
        Log.Information("Docker engine {Version} (API {Api}) at {Endpoint}, started by this build; log {LogFile}",
            started.Version, started.ApiVersion, endpoint, options.Paths.EngineLog);
        return new EngineInfo(started.Version, started.ApiVersion, endpoint, Provisioned: true, options.Paths.EngineLog);
    }

    /// <summary>Why this build must not start an engine itself, or null when it may.</summary>
    internal string? CannotProvisionReason(Uri endpoint) =>
        endpoint.ToString().TrimEnd('/') != DockerEngine.DefaultSocket
            ? $"the endpoint {endpoint} is not the local socket {DockerEngine.DefaultSocket}; this build only starts a local engine"
        : !host.IsRoot ? "starting an engine needs root and this build is not running as root"
        : host.OsId == "debian" ? null
        : $"automatic set-up is written for Debian and this host is '{host.OsId ?? "unknown"}' (/etc/os-release ID)";

    internal static string ManualSteps(Uri endpoint, string reason) =>
        $"""
        No Docker engine answers at {endpoint}, and {reason}.
        Do one of:
          1. Install and start a local engine (as root, Debian 12):
               apt-get update && apt-get install -y --no-install-recommends docker.io debootstrap
               setsid unshare --mount --pid --fork --mount-proc dockerd --host {DockerEngine.DefaultSocket} >dockerd.log 2>&1 &
             (its own PID and mount namespace: containers run with --pid=host then see dockerd as PID 1, never the host's init)
          2. Or point DOCKER_HOST at an engine that answers (unix:///path/docker.sock or tcp://host:2376 with TLS).
        """;

    /// <summary>The last lines of the engine's log, indented, so the reason shows up where the error does (CI logs).</summary>
    internal static string LogTail(string logFile, int lines)
    {
        List<string> tail = File.Exists(logFile) ? [.. File.ReadLines(logFile).Where(l => l.Length > 0).TakeLast(lines)] : [];
        return tail.Count == 0 ? "  (empty)" : string.Join(Environment.NewLine, tail.Select(l => "  " + l));
    }

    // Polls until the engine answers, the timeout passes, or the process we started has died.
    private async Task<(string Version, string ApiVersion)?> WaitUntilAnswersAsync(
        Uri endpoint, TimeSpan timeout, Func<bool> alive, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (await host.PingAsync(endpoint, deadline.Token) is { } answer)
                    return answer;
                if (!alive())
                    return null;
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
