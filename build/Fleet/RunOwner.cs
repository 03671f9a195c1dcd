using System.Diagnostics;
using System.Globalization;

namespace TemplateFleet.Fleet;

/// <summary>
/// Which process owns a run's containers, as "&lt;boot id&gt;/&lt;pid&gt;/&lt;start ticks&gt;" (label <see cref="Labels.Owner"/>), so a
/// cleanup can tell a crashed run's leftovers from a concurrent build's containers on the same engine: on this
/// boot of this machine the owner is alive or not; from anywhere else we cannot tell, and only age decides.
/// </summary>
public static class RunOwner
{
    // Changes on every boot, so a pid can only be compared with processes of the same boot.
    static readonly string Machine = ReadOrNull("/proc/sys/kernel/random/boot_id")?.Trim() ?? Environment.MachineName;

    /// <summary>This process.</summary>
    public static string Current { get; } = Of(Process.GetCurrentProcess());

    public static string Of(Process process) =>
        string.Create(CultureInfo.InvariantCulture, $"{Machine}/{process.Id}/{StartTicks(process.Id)}");

    /// <summary>True or false when the owner ran on this boot of this machine; null when that cannot be told.</summary>
    public static bool? IsAlive(string? owner)
    {
        if (owner?.Split('/') is not [var machine, var pidText, var startText]
            || machine != Machine
            || !int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(startText, CultureInfo.InvariantCulture, out var start)
            || start < 0)
            return null;
        // No such process, or the same pid with another start: a later process reused it. The owner is gone.
        return StartTicks(pid) == start;
    }

    /// <summary>
    /// Field 22 of /proc/&lt;pid&gt;/stat: clock ticks from boot to the process's start, exact and the same for every
    /// reader (Process.StartTime is derived from the reader's own idea of the boot time and differs by
    /// milliseconds between processes). -1 when there is no such process or no /proc.
    /// </summary>
    static long StartTicks(int pid)
    {
        if (ReadOrNull($"/proc/{pid}/stat") is not { } stat)
            return -1;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && long.TryParse(fields[19], CultureInfo.InvariantCulture, out var ticks) ? ticks : -1;
    }

    /// <summary>The file's text; null when there is no such file (no such process, no /proc) or it cannot be read.</summary>
    static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
