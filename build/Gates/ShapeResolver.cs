using System.Collections.Concurrent;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>The provisioner shape a gate could actually start on this engine.</summary>
public sealed record ResolvedShape(bool Privileged, IReadOnlyList<string> MissingCapabilities, string Evidence)
{
    public const string FallbackDescription = "fallback: all grantable capabilities, seccomp/apparmor unconfined";

    /// <summary>What every report states: "privileged" or the declared fallback.</summary>
    public string Description => Privileged ? "privileged" : FallbackDescription;
}

/// <summary>
/// Finds out whether this engine can start a privileged container and, if not, which capabilities it
/// cannot grant. Asked once per run (the answer is cached per run id), never assumed: engines inside
/// sandboxes lack capabilities in their bounding set and then fail every privileged start.
/// </summary>
public sealed class ShapeResolver(IDockerClient docker)
{
    static readonly ConcurrentDictionary<string, Lazy<Task<ResolvedShape>>> Cache = new();

    /// <summary>Tiny probe containers reuse the image under test (it has /bin/sh; nothing is pulled).</summary>
    public Task<ResolvedShape> ResolveAsync(string runId, string image, CancellationToken ct) =>
        // Lazy: templates start in parallel, and the engine must be asked only once per run.
        Cache.GetOrAdd(runId, _ => new Lazy<Task<ResolvedShape>>(() => ResolveUncachedAsync(runId, image, ct))).Value;

    async Task<ResolvedShape> ResolveUncachedAsync(string runId, string image, CancellationToken ct)
    {
        Log.Debug("Resolving the provisioner shape this engine can start");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Read the bounding set while the privileged attempt runs: on engines that need the fallback this
        // halves the wait; on the others it costs one short-lived unprivileged container.
        var boundingSet = MissingFromBoundingSetAsync(runId, image, ct);
        var refusal = await CanStartAsync(runId, image, new HostConfig { Privileged = true }, ct).ConfigureAwait(false);
        var fromBoundingSet = await boundingSet.ConfigureAwait(false);
        if (refusal is null)
        {
            Log.Debug("Privileged containers start on this engine ({Seconds:0.0} s)", clock.Elapsed.TotalSeconds);
            return new ResolvedShape(true, [], "privileged container started");
        }

        Log.Warning("This engine cannot start privileged containers ({Reason}); computing the capabilities it cannot grant", refusal);
        var (missing, evidence) = fromBoundingSet ?? await ProbeEachCapabilityAsync(runId, image, ct).ConfigureAwait(false);
        Log.Warning("T4 runs in the declared fallback shape: all capabilities except [{Missing}] ({Evidence}; resolved in {Seconds:0.0} s)",
            string.Join(", ", missing), evidence, clock.Elapsed.TotalSeconds);
        return new ResolvedShape(false, missing, evidence);
    }

    /// <summary>null when a container in that shape starts; otherwise the engine's refusal.</summary>
    async Task<string?> CanStartAsync(string runId, string image, HostConfig host, CancellationToken ct)
    {
        var spec = GateContainer.Spec(image, GateLabels.For(runId, GateLabels.T4, "shape-probe"), host, ["true"], []);
        try
        {
            await using var probe = await GateContainer.StartAsync(docker, spec, ct).ConfigureAwait(false);
            return null;
        }
        catch (DockerApiException e) when (IsCapabilityRefusal(e.Message))
        {
            return (e.ResponseBody ?? e.Message).Split('\n', 2)[0].Trim();
        }
    }

    internal static bool IsCapabilityRefusal(string message) =>
        message.Contains("unable to apply caps", StringComparison.OrdinalIgnoreCase)
        || message.Contains("operation not permitted", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the engine daemon's CapBnd (visible with a host-PID container); null when no daemon is visible.</summary>
    async Task<(IReadOnlyList<string>, string)?> MissingFromBoundingSetAsync(string runId, string image, CancellationToken ct)
    {
        // One grep over every status file (a loop forking per process takes seconds on a busy host), keeping
        // only the engine daemons: a busy host has thousands of processes and the log tail must hold the answer.
        const string script = "cat /proc/sys/kernel/cap_last_cap; grep -s -e '^Name:' -e '^CapBnd:' /proc/[0-9]*/status"
            + " | grep -A1 -E 'Name:[[:space:]]+(dockerd|containerd)$'";
        // Unprivileged: /proc/<pid>/status is world-readable, only the host PID namespace is needed.
        var spec = GateContainer.Spec(image, GateLabels.For(runId, GateLabels.T4, "shape-probe"), new HostConfig { PidMode = "host" }, ["sh", "-c", script], [], user: "0");
        await using var probe = await GateContainer.StartAsync(docker, spec, ct).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await docker.Containers.WaitContainerAsync(probe.Id, deadline.Token).ConfigureAwait(false);
        return ParseBoundingSet(await probe.LogsTailAsync(1000, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// First line cap_last_cap, then grep's "/proc/&lt;pid&gt;/status:Name:\t&lt;comm&gt;" and "...:CapBnd:\t&lt;hex&gt;" lines;
    /// the daemon is dockerd, else containerd. null when neither is visible.
    /// </summary>
    internal static (IReadOnlyList<string>, string)? ParseBoundingSet(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || !int.TryParse(lines[0], out var lastCap))
            return null;
        // The first of each field per pid, as grep printed them.
        var fields = lines.Skip(1).Select(line => line.Split(':', 3)).Where(p => p.Length == 3 && p[0].StartsWith("/proc/", StringComparison.Ordinal))
            .Select(p => (Pid: p[0]["/proc/".Length..].Split('/')[0], Key: p[1], Value: p[2].Trim())).ToList();
        string? Field(string pid, string key) => fields.FirstOrDefault(f => f.Pid == pid && f.Key == key).Value;
        var daemon = fields.Where(f => f.Key == "Name" && f.Value is "dockerd" or "containerd" && Field(f.Pid, "CapBnd") is not null)
            .OrderBy(f => f.Value == "dockerd" ? 0 : 1).ThenBy(f => f.Pid.Length).ThenBy(f => f.Pid, StringComparer.Ordinal)
            .Select(f => (f.Pid, Name: f.Value)).FirstOrDefault();
        if (daemon.Pid is null)
            return null;
        var bnd = Field(daemon.Pid, "CapBnd")!;
        return (MissingFrom(bnd, lastCap), $"bounding set of {daemon.Name} (pid {daemon.Pid}): CapBnd {bnd}");
    }

    /// <summary>
    /// Without a visible daemon: one tiny container per capability. A capability the engine refuses is missing
    /// (and dropped from the fallback); one the engine does not even know cannot be added or dropped, so "ALL"
    /// does not grant it either: it is named in the evidence, never passed to the engine.
    /// </summary>
    async Task<(IReadOnlyList<string>, string)> ProbeEachCapabilityAsync(string runId, string image, CancellationToken ct)
    {
        var missing = new ConcurrentBag<string>();
        var unknown = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Capabilities, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (cap, token) =>
            {
                try
                {
                    if (await CanStartAsync(runId, image, new HostConfig { CapAdd = [cap] }, token).ConfigureAwait(false) is not null)
                        missing.Add(cap);
                }
                catch (DockerApiException e) when (e.Message.Contains("unknown capability", StringComparison.OrdinalIgnoreCase))
                {
                    unknown.Add(cap);
                }
            }).ConfigureAwait(false);
        var evidence = "each capability probed with its own container"
            + (unknown.IsEmpty ? "" : $"; not known to this engine, so not granted by ALL either: {string.Join(", ", unknown.Order(StringComparer.Ordinal))}");
        return (missing.Order(StringComparer.Ordinal).ToList(), evidence);
    }

    /// <summary>Linux capability numbers and the names the Engine API uses for them (kernel ABI, not fleet data).</summary>
    static readonly IReadOnlyList<string> Capabilities =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ];

    /// <summary>Capabilities 0..lastCap that are NOT in a bounding set given as /proc/&lt;pid&gt;/status prints it (hex).</summary>
    public static IReadOnlyList<string> MissingFrom(string capBndHex, int lastCap)
    {
        var set = ulong.Parse(capBndHex.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return Enumerable.Range(0, Math.Min(lastCap, 63) + 1).Where(b => (set & (1UL << b)) == 0)
            .Select(b => b < Capabilities.Count ? Capabilities[b] : "CAP_" + b.ToString(CultureInfo.InvariantCulture)).ToList();
    }
}
