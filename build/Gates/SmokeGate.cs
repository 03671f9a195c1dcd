using System.Text.Json;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// Smoke: a plain (unprivileged) container per built template; the fleet's and the template's declarative
/// checks (commands, files) and the runtime's health (version and adapter), each with its judge here.
/// </summary>
public static class SmokeGate
{
    public const string TargetName = "Smoke";
    /// <summary>The id of the runtime's health check.</summary>
    public const string HealthCheckId = "runtime-health";

    public static async Task<IReadOnlyList<GateResult>> RunAsync(RunContext context, FleetRun run, ResultStore store, GateOptions options, CancellationToken ct)
    {
        var docker = context.Engine.Client;
        var runtimeVersion = run.RuntimeVersion.ToString();
        return await new GateRunner(context, GateLabels.Smoke, TargetName).RunAsync(run, store, options, async (t, imageId, result, token) =>
        {
            result.Shape = "plain (unprivileged)";
            var spec = GateContainer.Spec(imageId, GateLabels.For(context.RunId, GateLabels.Smoke, t.Name), new HostConfig());
            await using var container = await GateContainer.StartAsync(docker, spec, token).ConfigureAwait(false);
            var health = run.Config.Runtime.Health;
            await container.WaitReadyAsync(health, TimeSpan.FromSeconds(options.ReadinessTimeoutSeconds),
                TimeSpan.FromMilliseconds(200), token).ConfigureAwait(false);

            result.Checks.Add(await container.CheckAsync(HealthCheckId, $"GET {health.Path} reports runtime {runtimeVersion} and adapter {t.Adapter}",
                Severity.Hard, GateContainer.HealthCommand(health), CheckUsers.RootUid, 10,
                o => o.ExitCode == 0 ? JudgeHealth(o.Stdout, runtimeVersion, t.Adapter) : $"health endpoint failed: exit {o.ExitCode}",
                options.TraceTailChars, token).ConfigureAwait(false));

            var values = CheckPlaceholders.ValuesFor(t, runtimeVersion);
            foreach (var (check, where) in run.Config.Smoke.Commands.Select(c => (c, "templates/fleet.yaml smoke"))
                         .Concat(t.Smoke.Commands.Select(c => (c, $"templates/{t.Name}/template.yaml smoke"))))
            {
                var at = $"{where}.commands[{check.Name}]";
                var stdout = check.Stdout is null ? null : CheckPlaceholders.Expand(check.Stdout, values, at + ".stdout");
                var stderr = check.Stderr is null ? null : CheckPlaceholders.Expand(check.Stderr, values, at + ".stderr");
                result.Checks.Add(await container.CheckAsync($"command:{check.Name}", check.Run, Severity.Hard, check.Run,
                    CheckUsers.ExecUser(check.User), check.TimeoutSeconds, o => JudgeCommand(check.ExitCode, stdout, stderr, o),
                    options.TraceTailChars, token).ConfigureAwait(false));
            }

            foreach (var f in run.Config.Smoke.Files.Concat(t.Smoke.Files))
            {
                var description = $"{f.Path}{(f.Owner is null ? "" : " owned by " + f.Owner)}{(f.Mode is null ? "" : " mode " + f.Mode)}"
                    + (f.Type == FileType.Any ? "" : " is a " + f.Type.ToString().ToLowerInvariant());
                result.Checks.Add(await container.CheckAsync($"file:{f.Path}", description, Severity.Hard, FileScript(f), CheckUsers.RootUid, 10,
                    o => JudgeFile(f, o), options.TraceTailChars, token).ConfigureAwait(false));
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>null when the command behaved; otherwise every difference (exit code first: rc 127 means "not found").</summary>
    public static string? JudgeCommand(int expectedExit, string? stdoutPattern, string? stderrPattern, ExecOutcome o) => Problems(
        o.ExitCode == expectedExit ? null
            : $"expected exit {expectedExit}, got {o.ExitCode}{(o.ExitCode == 127 ? " (command not found: a missing interpreter or binary)" : "")}",
        Mismatch("stdout", stdoutPattern, o.Stdout),
        Mismatch("stderr", stderrPattern, o.Stderr));

    /// <summary>null when there is none; otherwise every problem found, in order.</summary>
    static string? Problems(params string?[] problems) =>
        problems.OfType<string>().ToList() is { Count: > 0 } found ? string.Join("; ", found) : null;

    /// <summary>Whether a command's output matches its check's expected pattern (placeholders already expanded
    /// by <see cref="CheckPlaceholders"/>): null when <paramref name="text"/> matches; otherwise why not.</summary>
    public static string? Mismatch(string stream, string? expanded, string text) =>
        expanded is null || Regex.IsMatch(text.TrimEnd('\n'), expanded, RegexOptions.Multiline, TimeSpan.FromSeconds(2))
            ? null
            : $"{stream} does not match /{expanded}/ (got: {(text.Trim() is { Length: > 0 } t ? (t.Length <= 200 ? t : t[..200] + "...") : "nothing")})";

    /// <summary>The file checks: one <c>stat -c '%U %a %F'</c> per path, judged against owner, mode and type.</summary>
    public static string FileScript(FileCheck file) => $"stat -c '%U %a %F' '{file.Path.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>null when the stat line matches the check; otherwise what differs.</summary>
    public static string? JudgeFile(FileCheck file, ExecOutcome outcome)
    {
        if (outcome.ExitCode != 0)
            return $"{file.Path} is missing ({outcome.Stderr.Trim()})";
        var parts = outcome.Stdout.Trim().Split(' ', 3);
        if (parts.Length < 3)
            return $"unexpected stat output '{outcome.Stdout.Trim()}'";
        var (owner, mode, type) = (parts[0], parts[1], parts[2]);
        var typeOk = file.Type switch
        {
            FileType.File => type.StartsWith("regular", StringComparison.Ordinal),
            FileType.Directory => type == "directory",
            _ => true,
        };
        return Problems(
            file.Owner is { } o && o != owner ? $"owner is {owner}, expected {o}" : null,
            file.Mode is { } m && Octal(m) != Octal(mode) ? $"mode is {ModeText(mode)}, expected {m}" : null,
            typeOk ? null : $"is a {type}, expected a {file.Type.ToString().ToLowerInvariant()}") is { } found ? $"{file.Path}: {found}" : null;
    }

    static int Octal(string mode) => Convert.ToInt32(mode.TrimStart('0') is { Length: > 0 } m ? m : "0", 8);

    internal static string ModeText(string mode) => Convert.ToString(Octal(mode), 8).PadLeft(4, '0');

    /// <summary>
    /// The runtime's health: the health document must report status ok, the run's runtime version (the cache
    /// trap shipped an old runtime under a new tag) and the template's adapter. null when healthy; otherwise every
    /// mismatch, naming expected and actual values.
    /// </summary>
    public static string? JudgeHealth(string body, string? expectedVersion, string expectedAdapter)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return $"health endpoint did not return JSON ({e.Message})";
        }
        string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        return Problems(
            Field("status") == "ok" ? null : $"status is '{Field("status")}', expected 'ok'",
            expectedVersion is null || Field("version") == expectedVersion ? null
                : $"runtime version is {Field("version") ?? "(missing)"}, expected {expectedVersion} (a cached pip layer, or the wrong RUNTIME_VERSION build arg?)",
            Field("adapter") == expectedAdapter ? null
                : $"adapter is '{Field("adapter") ?? "(missing)"}', expected '{expectedAdapter}' (template.yaml adapter)");
    }
}
