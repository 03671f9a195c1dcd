using System.Globalization;

namespace TemplateFleet.Gates;

/// <summary>Linux capability numbers and the names the Engine API uses for them (kernel ABI, not fleet data).</summary>
public static class LinuxCapabilities
{
    public static readonly IReadOnlyList<string> Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ];

    public static string Name(int bit) => bit < Names.Count ? Names[bit] : "CAP_" + bit.ToString(CultureInfo.InvariantCulture);

    /// <summary>Capabilities 0..lastCap that are NOT in a bounding set given as /proc/&lt;pid&gt;/status prints it (hex).</summary>
    public static IReadOnlyList<string> MissingFrom(string capBndHex, int lastCap)
    {
        var set = ulong.Parse(capBndHex.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var upTo = Math.Min(lastCap, 63);
        return Enumerable.Range(0, upTo + 1).Where(b => (set & (1UL << b)) == 0).Select(Name).ToList();
    }
}
