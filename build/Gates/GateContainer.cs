using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>The labels on every container a gate starts, so the reaper and Ctrl-C cleanup can find them.</summary>
public static class GateLabels
{
    public const string T4 = "t4";
    public const string Smoke = "smoke";

    public static Dictionary<string, string> For(string runId, string gate, string template) => new()
    {
        [Labels.Run] = runId,
        [Labels.Owner] = RunOwner.Current,
        [Labels.Gate] = gate,
        [Labels.Template] = template,
    };
}

/// <summary>What one exec in a gate container produced.</summary>
public sealed record ExecOutcome(long? ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Duration)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>The check this exec decided: passed when <paramref name="reason"/> is null.</summary>
    public CheckResult ToCheck(string id, string description, Severity severity, string? reason) => new()
    {
        Id = id,
        Description = description,
        Severity = severity,
        Passed = reason is null,
        ExitCode = ExitCode,
        Stdout = Stdout,
        Stderr = Stderr,
        TimedOut = TimedOut,
        Reason = reason,
        Duration = Duration,
    };
}

/// <summary>A container a gate started: exec into it through the Engine API (exec create, start+attach with
/// stdout/stderr demultiplexed, inspect for the exit code, bounded by a timeout), wait for its runtime, read its
/// logs, remove it.</summary>
public sealed class GateContainer(IDockerClient docker, string id) : IAsyncDisposable
{
    public string Id { get; } = id;

    /// <summary>Creates and starts; when start fails the created container is removed before the error propagates.</summary>
    /// <param name="beforeStart">Runs on the created container before it starts (e.g. copies files into it).</param>
    public static async Task<GateContainer> StartAsync(IDockerClient docker, CreateContainerParameters spec, CancellationToken ct,
        Func<string, Task>? beforeStart = null)
    {
        var created = await docker.Containers.CreateContainerAsync(spec, ct).ConfigureAwait(false);
        var container = new GateContainer(docker, created.ID);
        try
        {
            if (beforeStart is not null)
                await beforeStart(created.ID).ConfigureAwait(false);
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct).ConfigureAwait(false);
            return container;
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What every gate container is created from: the image, the gate's labels (<see cref="GateLabels.For"/>) and its host
    /// configuration; an entrypoint, command and user only where the gate sets them (null: the image's own).</summary>
    public static CreateContainerParameters Spec(string image, IDictionary<string, string> labels, HostConfig host,
        IList<string>? entrypoint = null, IList<string>? cmd = null, string? user = null) => new()
        {
            Image = image,
            Labels = labels,
            HostConfig = host,
            Entrypoint = entrypoint!,
            Cmd = cmd!,
            User = user!,
        };

    public async Task<ExecOutcome> RunAsync(IReadOnlyList<string> command, string user, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var created = await docker.Exec.CreateContainerExecAsync(Id, new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            User = user!,
            Env = [],
            AttachStdout = true,
            AttachStderr = true,
        }, ct).ConfigureAwait(false);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        string stdout, stderr;
        try
        {
            using var stream = await docker.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), deadline.Token)
                .ConfigureAwait(false);
            (stdout, stderr) = await stream.ReadOutputToEndAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The probe keeps running inside the container; it dies with the container. Nothing else is killed.
            return new ExecOutcome(null, "", $"timed out after {timeout.TotalSeconds:0} s", true, clock.Elapsed);
        }

        var inspect = await docker.Exec.InspectContainerExecAsync(created.ID, ct).ConfigureAwait(false);
        return new ExecOutcome(inspect.ExitCode, stdout, stderr, false, clock.Elapsed);
    }

    /// <summary>
    /// Runs one shell check and records it. A failing check that printed nothing is run again under <c>sh -xc</c>
    /// and the tail of the trace is attached; the verdict stays the first run's.
    /// </summary>
    public async Task<CheckResult> CheckAsync(string id, string description, Severity severity, string script, string user,
        int timeoutSeconds, Func<ExecOutcome, string?> judge, int traceTailChars, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        var outcome = await ShellAsync(script, user, timeout, ct).ConfigureAwait(false);
        var result = outcome.ToCheck(id, description, severity, outcome.TimedOut ? $"timed out after {timeoutSeconds} s" : judge(outcome));
        if (result.Passed || outcome.TimedOut || !string.IsNullOrWhiteSpace(outcome.Stdout + outcome.Stderr))
            return result;
        var traced = await ShellAsync(script, user, timeout, ct, trace: true).ConfigureAwait(false);
        return result with
        {
            Trace = Tail(traced.Stderr + (traced.TimedOut ? "\n(trace run timed out)" : ""), traceTailChars),
            Reason = result.Reason + "; it printed nothing, see the sh -x trace",
        };
    }

    internal static string Tail(string text, int chars) => text.Length <= chars ? text : "..." + text[^chars..];

    /// <summary><c>sh -c script</c>, the way contract probes and smoke commands run.</summary>
    public Task<ExecOutcome> ShellAsync(string script, string user, TimeSpan timeout, CancellationToken ct, bool trace = false) =>
        RunAsync(["sh", trace ? "-xc" : "-c", script], user, timeout, ct);

    public static string HealthCommand(HealthEndpoint health)
    {
        var url = $"http://127.0.0.1:{health.Port}{health.Path}";
        return $"if command -v curl >/dev/null; then curl -fsS --max-time 2 '{url}'; " +
               $"else python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(\"{url}\", timeout=2).read().decode())'; fi";
    }

    /// <summary>
    /// Waits, bounded, until the runtime's health endpoint answers inside the container (curl, or python
    /// when an image has no curl). A container that exits meanwhile fails at once with its logs' tail.
    /// Returns the health body; throws <see cref="GateSetupException"/> when not ready in time or exited.
    /// </summary>
    public async Task<string> WaitReadyAsync(HealthEndpoint health, TimeSpan timeout, TimeSpan interval, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var command = HealthCommand(health);
        ExecOutcome? last = null;
        while (clock.Elapsed < timeout)
        {
            var state = (await docker.Containers.InspectContainerAsync(Id, ct).ConfigureAwait(false)).State;
            if (state is not { Running: true })
            {
                var logs = await LogsTailAsync(30, ct).ConfigureAwait(false);
                throw new GateSetupException($"the container exited with code {state?.ExitCode ?? -1} before its runtime answered {health.Path}; last output:\n{logs}");
            }
            last = await ShellAsync(command, CheckUsers.RootUid, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            if (last.Succeeded)
                return last.Stdout;
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
        var tail = await LogsTailAsync(30, ct).ConfigureAwait(false);
        throw new GateSetupException(
            $"the runtime did not answer GET 127.0.0.1:{health.Port}{health.Path} within {timeout.TotalSeconds:0} s " +
            $"(last attempt: exit {last?.ExitCode}, {(last?.Stderr ?? "").Trim()}); container output:\n{tail}");
    }

    /// <summary>The last lines of the container's output (stdout and stderr interleaved); null: all of it.</summary>
    public async Task<string> LogsTailAsync(int? lines, CancellationToken ct)
    {
        using var stream = await docker.Containers.GetContainerLogsAsync(Id, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Tail = lines?.ToString(CultureInfo.InvariantCulture) ?? "all",
        }, ct).ConfigureAwait(false);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct).ConfigureAwait(false);
        return (stdout + stderr).TrimEnd();
    }

    public async ValueTask DisposeAsync() => await new ContainerReaper(docker).RemoveAsync(Id, CancellationToken.None).ConfigureAwait(false);
}
