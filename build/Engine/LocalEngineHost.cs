using System.Diagnostics;
using TemplateFleet.Fleet;

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

/// <summary>The real machine: pings via the Engine API, starts dockerd with ensure-engine.sh.</summary>
/// <param name="repositoryRoot">Locates build/Engine/ensure-engine.sh.</param>
/// <param name="engine">The build's engine, already pointed at the endpoint it pings.</param>
public sealed class LocalEngineHost(string repositoryRoot, DockerEngine engine) : IEngineHost
{
    public bool IsRoot => Environment.IsPrivilegedProcess;

    public string? OsId => File.Exists("/etc/os-release")
        ? File.ReadLines("/etc/os-release").Where(l => l.StartsWith("ID=", StringComparison.Ordinal))
            .Select(l => l[3..].Trim('"')).FirstOrDefault()
        : null;

    public Task<(string Version, string ApiVersion)?> PingAsync(Uri endpoint, CancellationToken ct) => engine.PingAsync(ct);

    public async Task<int?> StartEngineAsync(Uri endpoint, string logFile, CancellationToken ct)
    {
        var script = Path.Combine(repositoryRoot, "build", "Engine", "ensure-engine.sh");
        var pidFile = Path.ChangeExtension(logFile, ".pid");
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        File.Delete(pidFile);
        var start = new ProcessStartInfo("bash", [script, endpoint.ToString(), logFile, pidFile]) { UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new FleetException($"Could not run {script}.");
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new FleetException($"Engine set-up ({script}) failed with exit code {process.ExitCode}; see the output above and {logFile}.");

        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) ? pid : null;
    }

    // A dead launcher is reaped by init, so its /proc entry goes away.
    public bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");
}
