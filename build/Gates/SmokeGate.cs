using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// Smoke: a plain (unprivileged) container per built template; the fleet's and the template's declarative
/// checks (commands, files) and the runtime's health (version and adapter).
/// </summary>
public static class SmokeGate
{
    public const string TargetName = "Smoke";
    const int DefaultCommandTimeoutSeconds = 30;

    public static async Task<IReadOnlyList<GateResult>> RunAsync(RunContext context, FleetRun run, ResultStore store, GateOptions options, CancellationToken ct)
    {
        var docker = context.Engine.Client;
        var runtimeVersion = run.RuntimeVersion.ToString();
        return await new GateRunner(context, GateLabels.Smoke, TargetName).RunAsync(run, store, options, async (t, imageId, result, token) =>
        {
            result.Shape = "plain (unprivileged)";
            var spec = GateContainerSpec.ForSmoke(imageId, GateLabels.For(context.RunId, GateLabels.Smoke, t.Name));
            await using var container = await GateContainer.StartAsync(docker, spec, token).ConfigureAwait(false);
            var health = run.Config.Runtime.Health;
            await Readiness.WaitAsync(container, health, TimeSpan.FromSeconds(options.ReadinessTimeoutSeconds),
                TimeSpan.FromMilliseconds(200), token).ConfigureAwait(false);

            var runner = new CheckRunner(container.Exec, options.TraceTailChars);
            result.Checks.Add(await runner.RunAsync(HealthCheck.Id, $"GET {health.Path} reports runtime {runtimeVersion} and adapter {t.Adapter}",
                Severity.Hard, Readiness.HealthCommand(health), CheckUsers.RootUid, 10,
                o => o.ExitCode == 0 ? HealthCheck.Judge(o.Stdout, runtimeVersion, t.Adapter) : $"health endpoint failed: exit {o.ExitCode}",
                token).ConfigureAwait(false));

            var values = CheckPlaceholders.ValuesFor(t, runtimeVersion);
            foreach (var (check, where) in run.Config.Smoke.Commands.Select(c => (c, "templates/fleet.yaml smoke"))
                         .Concat(t.Smoke.Commands.Select(c => (c, $"templates/{t.Name}/template.yaml smoke"))))
            {
                var at = $"{where}.commands[{check.Name}]";
                var stdout = check.Stdout is null ? null : CheckPlaceholders.Expand(check.Stdout, values, at + ".stdout");
                var stderr = check.Stderr is null ? null : CheckPlaceholders.Expand(check.Stderr, values, at + ".stderr");
                result.Checks.Add(await runner.RunAsync($"command:{check.Name}", check.Run, Severity.Hard, check.Run,
                    CheckUsers.ExecUser(check.User), check.TimeoutSeconds > 0 ? check.TimeoutSeconds : DefaultCommandTimeoutSeconds,
                    o => JudgeCommand(check.ExitCode, stdout, stderr, o), token).ConfigureAwait(false));
            }

            foreach (var file in run.Config.Smoke.Files.Concat(t.Smoke.Files))
            {
                result.Checks.Add(await runner.RunAsync($"file:{file.Path}", Describe(file), Severity.Hard, FileProbe.Script(file), CheckUsers.RootUid, 10,
                    o => FileProbe.Judge(file, o), token).ConfigureAwait(false));
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>null when the command behaved; otherwise every difference (exit code first: rc 127 means "not found").</summary>
    public static string? JudgeCommand(int expectedExit, string? stdoutPattern, string? stderrPattern, ExecOutcome o)
    {
        var problems = new List<string>();
        if (o.ExitCode != expectedExit)
            problems.Add($"expected exit {expectedExit}, got {o.ExitCode}{(o.ExitCode == 127 ? " (command not found: a missing interpreter or binary)" : "")}");
        if (CheckPatterns.Mismatch("stdout", stdoutPattern, o.Stdout) is { } so)
            problems.Add(so);
        if (CheckPatterns.Mismatch("stderr", stderrPattern, o.Stderr) is { } se)
            problems.Add(se);
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    static string Describe(FileCheck f) =>
        $"{f.Path}{(f.Owner is null ? "" : " owned by " + f.Owner)}{(f.Mode is null ? "" : " mode " + f.Mode)}{(f.Type == FileType.Any ? "" : " is a " + f.Type.ToString().ToLowerInvariant())}";
}
