using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// Runs one shell check in a gate container and records it. A failing check that printed nothing is
/// run again under <c>sh -xc</c> and the tail of the trace is attached; the verdict stays the first run's.
/// </summary>
public sealed class CheckRunner(GateContainer container, int traceTailChars)
{
    public async Task<CheckResult> RunAsync(
        string id, string description, Severity severity, string script, string user, int timeoutSeconds,
        Func<ExecOutcome, string?> judge, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        var outcome = await container.ShellAsync(script, user, timeout, ct).ConfigureAwait(false);
        var reason = outcome.TimedOut ? $"timed out after {timeoutSeconds} s" : judge(outcome);
        var result = outcome.ToCheck(id, description, severity, reason);
        if (!result.Passed && !outcome.TimedOut && IsSilent(outcome))
        {
            var traced = await container.ShellAsync(script, user, timeout, ct, trace: true).ConfigureAwait(false);
            result = result with
            {
                Trace = Tail(traced.Stderr + (traced.TimedOut ? "\n(trace run timed out)" : ""), traceTailChars),
                Reason = result.Reason + "; it printed nothing, see the sh -x trace",
            };
        }
        return result;
    }

    /// <summary>The judge for contract probes: exit 0 passes.</summary>
    public static string? ExitZero(ExecOutcome o) => o.ExitCode == 0 ? null : $"exit code {o.ExitCode}{FirstLine(o.Stderr)}";

    static string FirstLine(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..] ? ": " + first : "";

    static bool IsSilent(ExecOutcome o) => string.IsNullOrWhiteSpace(o.Stdout) && string.IsNullOrWhiteSpace(o.Stderr);

    internal static string Tail(string text, int chars) => text.Length <= chars ? text : "..." + text[^chars..];
}
