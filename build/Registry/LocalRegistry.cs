using System.Diagnostics;
using Serilog;
using TemplateFleet.Publishing;

namespace TemplateFleet.Registry;

/// <summary>A registry on loopback. <see cref="StartedHere"/> is false when one already answered: then Stop leaves it alone.</summary>
/// <param name="Address">host:port, as image references and PublishOptions.Registry spell it.</param>
public sealed record LocalRegistry(string Address, int? ProcessId, string? ConfigFile, string? LogFile) : IAsyncDisposable
{
    public bool StartedHere => ProcessId is not null;

    /// <summary>Stops the registry process this run started (checked by its command line, so a reused pid is never hit).</summary>
    public async Task StopAsync()
    {
        if (ProcessId is not { } pid || ConfigFile is null)
            return;
        var cmdline = $"/proc/{pid}/cmdline";
        if (!File.Exists(cmdline) || !(await File.ReadAllTextAsync(cmdline)).Contains(ConfigFile, StringComparison.Ordinal))
            return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Log.Debug("Stopped the registry on {Address} (pid {Pid})", Address, pid);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
