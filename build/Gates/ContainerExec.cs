using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace TemplateFleet.Gates;

/// <summary>
/// Runs a command in a running container through the Engine API (exec create, start+attach with
/// stdout/stderr demultiplexed, inspect for the exit code), bounded by a timeout.
/// </summary>
public sealed class ContainerExec(IDockerClient docker, string containerId)
{
    public string ContainerId { get; } = containerId;

    public async Task<ExecOutcome> RunAsync(
        IReadOnlyList<string> command, string user, TimeSpan timeout, CancellationToken ct,
        IReadOnlyList<string>? env = null)
    {
        var clock = Stopwatch.StartNew();
        var created = await docker.Exec.CreateContainerExecAsync(ContainerId, new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            User = user,
            Env = env?.ToList() ?? [],
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

    /// <summary><c>sh -c script</c>, the way contract probes and smoke commands run.</summary>
    public Task<ExecOutcome> ShellAsync(string script, string user, TimeSpan timeout, CancellationToken ct, bool trace = false) =>
        RunAsync(["sh", trace ? "-xc" : "-c", script], user, timeout, ct);
}
