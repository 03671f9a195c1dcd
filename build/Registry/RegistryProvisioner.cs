using System.Diagnostics;
using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Tools;

namespace TemplateFleet.Registry;

/// <summary>Makes sure a registry answers on 127.0.0.1:&lt;port&gt;: reuses one that does, otherwise starts
/// Debian's docker-registry (Distribution 2.8), detached, with a generated config under the given folder.</summary>
public static class RegistryProvisioner
{
    const string RegistryCommand = "docker-registry";
    const string HtpasswdCommand = "htpasswd";
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    /// <param name="directory">Folder for config, htpasswd, data and log; the build passes a per-user cache folder.</param>
    /// <param name="username">When it and <paramref name="password"/> are set the registry demands them (htpasswd, bcrypt);
    /// otherwise it is open, on loopback only.</param>
    public static async Task<LocalRegistry> EnsureAsync(string directory, int port, string? username, string? password, CancellationToken ct)
    {
        var address = $"127.0.0.1:{port}";
        if (await AnswersAsync(address, ct))
        {
            Log.Information("A registry already answers on {Address}; using it", address);
            return new LocalRegistry(address, null, null, null);
        }

        var withAuth = username is not null && password is not null;
        directory = Path.GetFullPath(directory);
        await EnsureInstalledAsync(directory, withAuth, ct);

        Directory.CreateDirectory(Path.Combine(directory, "data"));
        var config = Path.Combine(directory, $"config-{port}.yml");
        var log = Path.Combine(directory, $"registry-{port}.log");
        var htpasswd = withAuth ? Path.Combine(directory, "htpasswd") : null;
        if (htpasswd is not null)
            await WriteHtpasswdAsync(htpasswd, username!, password!, ct);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await File.WriteAllTextAsync(config, Config(address, Path.Combine(directory, "data"), htpasswd, secret), ct);

        // setsid + redirection: the registry outlives this build and writes only to its log file.
        var shell = await Cli.Wrap("/bin/sh").WithArguments(["-c", "setsid \"$0\" serve \"$1\" >>\"$2\" 2>&1 </dev/null & echo $!", RegistryCommand, config, log])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
        var pid = int.TryParse(shell.StandardOutput.Trim(), out var started) ? started : throw new FleetException($"could not start {RegistryCommand}; see {log}.");
        await File.WriteAllTextAsync(Path.Combine(directory, $"registry-{port}.pid"), pid + "\n", ct);
        var registry = new LocalRegistry(address, pid, config, log);

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AnswersAsync(address, ct))
        {
            if (DateTime.UtcNow > deadline || !File.Exists($"/proc/{pid}/cmdline"))
            {
                await registry.StopAsync();
                var tail = File.Exists(log) ? string.Join("\n", (await File.ReadAllLinesAsync(log, ct)).TakeLast(5)) : "(no log)";
                throw new FleetException($"the local registry did not answer on {address} within {StartTimeout.TotalSeconds:0} s; see {log}:\n{tail}");
            }
            await Task.Delay(200, ct);
        }
        Log.Information("Started a local registry on {Address} (pid {Pid}, {Auth}, log {Log})", address, pid, withAuth ? "htpasswd auth" : "no auth", log);
        return registry;
    }

    /// <summary>True when something speaks the Distribution API at http://&lt;address&gt;/v2/ (200, or 401 when it wants auth).</summary>
    public static async Task<bool> AnswersAsync(string address, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync($"http://{address}/v2/", ct);
            return response.Headers.Contains("Docker-Distribution-API-Version")
                || response.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Unauthorized;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    static async Task EnsureInstalledAsync(string directory, bool withAuth, CancellationToken ct)
    {
        var missing = new List<string>();
        if (!OnPath(RegistryCommand))
            missing.Add("docker-registry");
        if (withAuth && !OnPath(HtpasswdCommand))
            missing.Add("apache2-utils");
        if (missing.Count == 0)
            return;

        var packages = string.Join(" ", missing);
        if (!OnPath("apt-get") || Environment.UserName != "root")
            throw new FleetException($"the local registry needs the Debian package(s) {packages}; install them (apt-get install -y {packages}) or pass --registry with a registry that answers.");

        Log.Information("Installing {Packages} for the local registry", packages);
        var aptLog = Path.Combine(directory, "apt.log");
        Directory.CreateDirectory(directory);
        // Waits for the dpkg lock while another apt-get runs (a shared runner), bounded, and says so.
        var install = await HostPackages.InstallAsync(missing, ct);
        await File.AppendAllTextAsync(aptLog, install.Output, ct);
        if (!install.Succeeded)
            throw new FleetException($"installing {packages} failed; see {aptLog}:\n{install.Tail(3)}");
    }

    static async Task WriteHtpasswdAsync(string file, string username, string password, CancellationToken ct)
    {
        // -B: Distribution 2.8 accepts only bcrypt. -i: the password comes on stdin, never on a command line.
        var htpasswd = await Cli.Wrap(HtpasswdCommand).WithArguments(["-B", "-i", "-c", file, username])
            .WithStandardInputPipe(PipeSource.FromString(password)).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
        if (htpasswd.ExitCode != 0)
        {
            Log.Warning("{File} exited {Code}: {Stderr}", HtpasswdCommand, htpasswd.ExitCode, htpasswd.StandardError.Trim());
            throw new FleetException($"htpasswd could not write {file} for user '{username}'.");
        }
    }

    static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));

    /// <summary>The Distribution 2.8 configuration for the local registry: loopback only, filesystem storage, optional htpasswd.</summary>
    internal static string Config(string address, string dataDirectory, string? htpasswdFile, string httpSecret)
    {
        if (!RegistryHost.IsLoopbackRegistry(address))
            throw new ArgumentException($"the local registry listens on loopback only, not {address}", nameof(address));
        var auth = htpasswdFile is null ? "" : $"""
            auth:
              htpasswd:
                realm: fleet-registry
                path: {Quote(htpasswdFile)}

            """;
        return $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Quote(dataDirectory)}
              delete:
                enabled: true
            http:
              addr: {Quote(address)}
              secret: {Quote(httpSecret)}
              headers:
                X-Content-Type-Options: [nosniff]
            {auth}
            """.ReplaceLineEndings("\n");
    }

    // YAML single-quoted scalar: only the quote itself needs doubling.
    static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}

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
