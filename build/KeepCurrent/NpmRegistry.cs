using System.Text.Json;
using TemplateFleet.Tools;

namespace TemplateFleet.KeepCurrent;

/// <summary>
/// Reads the npm registry through the npm CLI and its own configuration (`npm config get registry`;
/// `npm_config_registry` in the environment overrides it, as for every npm command), so no registry host is written
/// anywhere: `npm view &lt;package&gt; dist-tags time versions deprecated --json`. Publish times are ISO 8601 with an offset.
/// </summary>
public sealed class NpmRegistry(IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
{
    readonly TimeSpan timeout = timeout ?? TimeSpan.FromSeconds(90);

    // Bounded: a registry that does not answer is one clear line within a minute or two, not npm's long retry ladder.
    static readonly string[] Bounded = ["--json", "--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000", "--fetch-timeout=30000"];

    /// <summary>What the npm registry says about one package: its versions with their publish times, and its `latest` dist-tag.</summary>
    public async Task<SourceReading> ViewAsync(string package, CancellationToken ct)
    {
        var json = await RunAsync([package, "dist-tags", "time", "versions", "deprecated"], package, ct)
            ?? throw new KeepCurrentException($"npm view {package}: the registry answered nothing; check the package name and `npm config get registry`.");
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            // dist-tags and time: their string values (time also has "created" and "modified", and dates are read as they are looked up).
            Dictionary<string, string> Strings(string key) => root.TryGetProperty(key, out var map) && map.ValueKind == JsonValueKind.Object
                ? map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
                : [];
            var times = Strings("time");
            // One version comes as a string, several as an array.
            List<string> versions = !root.TryGetProperty("versions", out var v) ? []
                : v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(e => e.GetString()!)]
                : v.ValueKind == JsonValueKind.String ? [v.GetString()!] : [];
            var deprecated = root.TryGetProperty("deprecated", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var latest = Strings("dist-tags").GetValueOrDefault("latest");
            return new SourceReading([.. versions.Select(version => new UpstreamRelease(version, times.TryGetValue(version, out var at) ? VersionScheme.ParseDate(at) : null,
                Refused: deprecated is not null && version == latest ? Deprecation(deprecated) : null))], latest);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new KeepCurrentException($"npm view {package} --json did not print the JSON npm prints ({e.Message}); check the npm on PATH (npm --version).");
        }
    }

    /// <summary>The deprecation message of one version, or null (npm view prints nothing for a version that is not deprecated).</summary>
    public async Task<string?> DeprecatedAsync(string package, string version, CancellationToken ct)
    {
        if (await RunAsync([$"{package}@{version}", "deprecated"], package, ct) is not { } json)
            return null;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.String && doc.RootElement.GetString() is { Length: > 0 } message ? message : null;
    }

    public static Hold Deprecation(string message) => new(HoldKind.Deprecated, $"deprecated: {message.ReplaceLineEndings(" ").Trim()}");

    /// <summary>npm view's JSON, or null when it printed nothing; a failure is one line naming the package and what to check.</summary>
    async Task<string?> RunAsync(string[] arguments, string package, CancellationToken ct)
    {
        var result = await RunBoundedAsync("npm", ["view", .. arguments, .. Bounded], null, environment, timeout,
            $"npm view {package}: no answer within {timeout.TotalSeconds:0} s from npm's configured registry; check that it answers (npm ping; npm config get registry) and the proxy and CA settings (npm config list).",
            $"npm view {package}: npm is not on PATH; install Node.js with npm (Debian: apt-get install -y npm).", ct);
        if (result.ExitCode != 0)
            throw new KeepCurrentException($"npm view {package}: {Summary(result)}");
        return result.Stdout.Trim() is { Length: > 0 } text ? text : null;
    }

    /// <summary>Runs a package manager's command (npm, pip) to its end through <see cref="ToolProcess"/>, its output kept;
    /// no end within <paramref name="timeout"/> (exit 124) and no program on PATH (exit 127) are each one line.</summary>
    internal static async Task<ProcessResult> RunBoundedAsync(string program, string[] arguments, string? work, IReadOnlyDictionary<string, string?>? environment,
        TimeSpan timeout, string timedOut, string missing, CancellationToken ct) =>
        await ToolProcess.RunAsync(program, arguments, work, timeout, ct, environment?.ToDictionary(e => e.Key, e => e.Value ?? "")) switch
        {
            { ExitCode: 124 } => throw new KeepCurrentException(timedOut),
            { ExitCode: 127 } => throw new KeepCurrentException(missing),
            var result => result,
        };

    // With --json npm prints {"error": {"code", "summary", "detail"}}; E404 is a package the registry does not have.
    static string Summary(ProcessResult result)
    {
        foreach (var text in new[] { result.Stdout, result.Stderr }.Where(t => t.Contains('{')))
        {
            try
            {
                using var doc = JsonDocument.Parse(text[text.IndexOf('{')..]);
                if (doc.RootElement.TryGetProperty("error", out var error))
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    var summary = error.TryGetProperty("summary", out var s) ? s.GetString()?.ReplaceLineEndings(" ") : null;
                    return code == "E404"
                        ? $"npm's configured registry does not have this package ({summary}); check the package name in the fleet data, or `npm config get registry`."
                        : $"npm failed ({code}: {summary}); check that npm's configured registry answers (npm ping; npm config get registry) and the proxy and CA settings (npm config list).";
                }
            }
            catch (JsonException)
            {
            }
        }
        var tail = string.Join(' ', result.Stderr.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(2).Select(l => l.Trim()));
        return $"npm exited {result.ExitCode} ({tail}); check that npm's configured registry answers (npm ping; npm config get registry).";
    }
}

/// <summary>A source that could not be read, data that does not fit, a bump that cannot go on: one line that says what to do.</summary>
public sealed class KeepCurrentException(string message) : Fleet.FleetException(message);
