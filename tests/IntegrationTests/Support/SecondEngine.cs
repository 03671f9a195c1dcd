using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Engine;
using TemplateFleet.Tools;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// A second Docker engine on this host (build/Engine/second-engine.sh): Debian trixie's dockerd 26.1.5 and
/// containerd 1.7.24 with bookworm's runc, all from the tools folder, with the containerd image store, its own
/// state folder (data root, exec root, pid file, socket) and a bridge and subnet of its own, both derived from
/// the state folder so that engines of other checkouts on the same host never share them.
/// </summary>
public sealed class SecondEngine : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private SecondEngine(string state, int launcherPid, bool started, string version, string apiVersion)
    {
        StateDirectory = state;
        LauncherPid = launcherPid;
        Started = started;
        Version = version;
        ApiVersion = apiVersion;
        Engine = new DockerEngine(EndpointOf(state));
    }

    public string StateDirectory { get; }
    /// <summary>The engine as the build takes it (endpoint and its one client), e.g. for a <see cref="Fleet.RunContext"/>.</summary>
    public DockerEngine Engine { get; }
    public Uri Endpoint => Engine.Endpoint;
    public IDockerClient Docker => Engine.Client;
    public string Version { get; }
    public string ApiVersion { get; }
    public int LauncherPid { get; }
    /// <summary>False when an engine of this state folder was already running and answering.</summary>
    public bool Started { get; }
    public string LogFile => Path.Combine(StateDirectory, "dockerd.log");

    public static Uri EndpointOf(string state) => new($"unix://{Path.GetFullPath(state)}/docker.sock");

    /// <summary>Starts the engine of <paramref name="state"/> (or finds it running) and waits until it answers.</summary>
    /// <param name="environment">For dockerd, e.g. DOCKER_MIN_API_VERSION (only when this call starts it).</param>
    public static async Task<SecondEngine> StartAsync(string state, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        state = Path.GetFullPath(state);
        var tools = ToolInstaller.ForRepository(RepositoryRoot.Path);
        var folders = new List<string>();
        foreach (var tool in new[] { KnownTools.Dockerd, KnownTools.Containerd, KnownTools.Runc })
        {
            folders.Add(Path.GetDirectoryName(await tools.EnsureAsync(tool, ct))!);
        }
        var endpoint = EndpointOf(state);
        var running = await PingAsync(endpoint, ct);
        var script = await RunScriptAsync(["start", state, BridgeName(state), FreeAddress(state), .. folders], ct, environment);
        var launcher = int.Parse(script.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var clock = Stopwatch.StartNew();
        while (running is null)
        {
            if (!Directory.Exists($"/proc/{launcher}"))
            {
                throw new InvalidOperationException($"the second engine exited during start-up; the end of {state}/dockerd.log:\n{Tail(Path.Combine(state, "dockerd.log"))}");
            }
            if (clock.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"the second engine did not answer at {endpoint} within {StartTimeout.TotalSeconds:0} s; the end of {state}/dockerd.log:\n{Tail(Path.Combine(state, "dockerd.log"))}");
            }
            await Task.Delay(250, ct);
            running = await PingAsync(endpoint, ct);
        }
        return new SecondEngine(state, launcher, started: !script.Contains("runs already", StringComparison.Ordinal), running.Value.Version, running.Value.ApiVersion);
    }

    /// <summary>Stops this engine (only the one of this state folder, by its recorded pid) and removes its bridge.</summary>
    public async Task StopAsync()
    {
        Engine.Dispose();
        await RunScriptAsync(["stop", StateDirectory], CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        Engine.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Kills this engine's dockerd with SIGKILL, as a crash or an OOM kill would (the kernel ends its namespace).</summary>
    public void KillDockerd()
    {
        var dockerd = ProcessTree.Descendants(LauncherPid).Single(p => ProcessTree.Command(p) == "dockerd");
        Process.Start("kill", ["-KILL", dockerd.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
    }

    /// <summary>Copies images from another engine (docker save | docker load); returns how long it took.</summary>
    public async Task<TimeSpan> SeedAsync(IDockerClient from, IReadOnlyList<string> references, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var archive = await from.Images.SaveImagesAsync([.. references], ct);
        await Docker.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive, new Progress<JSONMessage>(), ct);
        return clock.Elapsed;
    }

    /// <summary>fleetb + 8 hex digits of the state path: at most 15 characters, one per checkout.</summary>
    public static string BridgeName(string state) => "fleetb" + Hash(state)[..8];

    /// <summary>
    /// A /24 in 172.31.0.0/16 for the bridge, starting at one derived from the state path and skipping any that
    /// overlaps a network of this host's interfaces (the first engine's docker0, another checkout's engine).
    /// </summary>
    public static string FreeAddress(string state)
    {
        var taken = NetworkInterface.GetAllNetworkInterfaces()
            // Our own bridge, left by a killed run, is removed and made again.
            .Where(i => i.Name != BridgeName(state))
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(a => (Network: Mask(a.Address, a.PrefixLength), a.PrefixLength))
            .ToList();
        var start = Convert.ToInt32(Hash(state)[..4], 16) % 224;
        for (var i = 0; i < 224; i++)
        {
            var octet = 16 + ((start + i) % 224);
            var candidate = IPAddress.Parse($"172.31.{octet}.0");
            if (!taken.Any(t => Mask(candidate, Math.Min(24, t.PrefixLength)).Equals(Mask(t.Network, Math.Min(24, t.PrefixLength)))))
            {
                return $"172.31.{octet}.1/24";
            }
        }
        throw new InvalidOperationException("no free /24 in 172.31.0.0/16 for the second engine's bridge");
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var masked = prefix == 0 ? 0 : value & (uint.MaxValue << (32 - prefix));
        return new IPAddress([(byte)(masked >> 24), (byte)(masked >> 16), (byte)(masked >> 8), (byte)masked]);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(text))));

    // "Answers" as the build decides it for the first engine.
    private static async Task<(string Version, string ApiVersion)?> PingAsync(Uri endpoint, CancellationToken ct)
    {
        using var engine = new DockerEngine(endpoint);
        return await engine.PingAsync(ct);
    }

    private static async Task<string> RunScriptAsync(string[] args, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        var script = RepositoryRoot.Combine("build", "Engine", "second-engine.sh");
        var result = await ToolProcess.RunAsync("bash", [script, .. args], null, TimeSpan.FromMinutes(2), ct, environment);
        return result.Succeeded
            ? result.Output
            : throw new InvalidOperationException($"second-engine.sh {args[0]} failed (exit {result.ExitCode}):\n{result.Tail(20)}");
    }

    private static string Tail(string file) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(15)) : "(no log)";
}
