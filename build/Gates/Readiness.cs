using System.Diagnostics;
using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>
/// Waits, bounded, until the runtime's health endpoint answers inside the container (curl, or python
/// when an image has no curl). A container that exits meanwhile fails at once with its logs' tail.
/// </summary>
public static class Readiness
{
    public static string HealthCommand(HealthEndpoint health)
    {
        var url = $"http://127.0.0.1:{health.Port}{health.Path}";
        return $"if command -v curl >/dev/null; then curl -fsS --max-time 2 '{url}'; " +
               $"else python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(\"{url}\", timeout=2).read().decode())'; fi";
    }

    /// <summary>Returns the health body; throws <see cref="GateSetupException"/> when not ready in time or exited.</summary>
    public static async Task<string> WaitAsync(GateContainer container, HealthEndpoint health, TimeSpan timeout, TimeSpan interval, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var command = HealthCommand(health);
        ExecOutcome? last = null;
        while (clock.Elapsed < timeout)
        {
            var (running, exitCode) = await container.StateAsync(ct).ConfigureAwait(false);
            if (!running)
            {
                var logs = await container.LogsTailAsync(30, ct).ConfigureAwait(false);
                throw new GateSetupException($"the container exited with code {exitCode} before its runtime answered {health.Path}; last output:\n{logs}");
            }
            last = await container.Exec.ShellAsync(command, CheckUsers.RootUid, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            if (last.Succeeded)
                return last.Stdout;
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
        var tail = await container.LogsTailAsync(30, ct).ConfigureAwait(false);
        throw new GateSetupException(
            $"the runtime did not answer GET 127.0.0.1:{health.Port}{health.Path} within {timeout.TotalSeconds:0} s " +
            $"(last attempt: exit {last?.ExitCode}, {(last?.Stderr ?? "").Trim()}); container output:\n{tail}");
    }
}
