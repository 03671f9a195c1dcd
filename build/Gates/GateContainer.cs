using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace TemplateFleet.Gates;

/// <summary>A container a gate started: exec into it, read its state and logs, remove it.</summary>
public sealed class GateContainer(IDockerClient docker, string id) : IAsyncDisposable
{
    public string Id { get; } = id;
    public ContainerExec Exec { get; } = new(docker, id);

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

    public async Task<(bool Running, long ExitCode)> StateAsync(CancellationToken ct)
    {
        var inspect = await docker.Containers.InspectContainerAsync(Id, ct).ConfigureAwait(false);
        return inspect.State is { } state ? (state.Running, state.ExitCode) : (false, -1);
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
