using System.Reflection;
using Serilog;

namespace TemplateFleet.Tools;

/// <summary>
/// Installs packages of the host's own Debian release into the host, for what the build runs there (the
/// engine, debootstrap, the loopback registry), through host-apt-install.sh: the one place where the build's
/// apt-get waits for the dpkg lock, bounded, and says so. The script travels inside the build assembly, so
/// C# callers need no repository path; ensure-engine.sh runs the same file from the repository.
/// </summary>
public static class HostPackages
{
    public const string ScriptResource = "host-apt-install.sh";

    public static string Script()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"{ScriptResource} is not embedded in the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Installs <paramref name="packages"/> (updating the host's lists only when needed); lines about waiting go to the log as they come.</summary>
    /// <param name="environment">Extra environment for apt, e.g. APT_CONFIG naming another configuration.</param>
    public static Task<ProcessResult> InstallAsync(
        IReadOnlyList<string> packages, CancellationToken ct, TimeSpan? lockTimeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var timeout = lockTimeout ?? TimeSpan.FromMinutes(5);
        // bash -c: the script as an argument ($0 names it in its messages), so apt-get's standard input stays empty.
        return ToolProcess.RunAsync("bash", ["-c", Script(), ScriptResource, "--lock-timeout", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), .. packages],
            null, timeout * 3 + TimeSpan.FromMinutes(15), ct, environment,
            onLine: line =>
            {
                if (line.Contains("Waiting for", StringComparison.Ordinal) || line.Contains("stayed held", StringComparison.Ordinal))
                    Log.Information("{Line}", line);
            });
    }
}
