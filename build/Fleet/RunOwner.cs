using System.Diagnostics;
using System.Globalization;

namespace TemplateFleet.Fleet;

/// <summary>
/// Which process owns a run's containers, as "&lt;boot id&gt;/&lt;pid&gt;/&lt;start time&gt;" (label <see cref="Labels.Owner"/>), so a
/// cleanup can tell a crashed run's leftovers from a concurrent build's containers on the same engine: on this
/// boot of this machine the owner is alive or not; from anywhere else we cannot tell, and only age decides.
/// </summary>
public static class RunOwner
{
    static readonly string Machine = BootId();

    /// <summary>This process.</summary>
    public static string Current { get; } = Of(Process.GetCurrentProcess());

    public static string Of(Process process) => Describe(Machine, process.Id, StartSeconds(process));

    static string Describe(string machine, int pid, long startSeconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{machine}/{pid}/{startSeconds}");

    /// <summary>True or false when the owner ran on this boot of this machine; null when that cannot be told.</summary>
    public static bool? IsAlive(string? owner)
    {
        if (owner?.Split('/') is not [var machine, var pidText, var startText]
            || machine != Machine
            || !int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(startText, CultureInfo.InvariantCulture, out var start))
            return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            // The same pid with another start time is a later process that reused it: the owner is gone.
            return StartSeconds(process) == start;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    static long StartSeconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    // Changes on every boot, so a pid can only be compared with processes of the same boot.
    static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Environment.MachineName;
        }
    }
}
