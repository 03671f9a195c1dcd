namespace TemplateFleet.Engine;

/// <summary>What the provisioner needs to know about and do on this machine; faked in unit tests.</summary>
public interface IEngineHost
{
    /// <summary>(ServerVersion, ApiVersion) when an engine answers at the endpoint; null otherwise.</summary>
    Task<(string Version, string ApiVersion)?> PingAsync(Uri endpoint, CancellationToken ct);

    bool IsRoot { get; }

    /// <summary>ID from /etc/os-release (e.g. "debian"), or null.</summary>
    string? OsId { get; }

    /// <summary>
    /// Installs missing packages and starts dockerd detached in its own PID+mount namespace (or finds one
    /// already starting for the endpoint). Returns the PID to watch while waiting, or null when unknown.
    /// </summary>
    Task<int?> StartEngineAsync(Uri endpoint, string logFile, CancellationToken ct);

    /// <summary>Whether the process that StartEngineAsync returned still runs.</summary>
    bool IsRunning(int pid);
}
