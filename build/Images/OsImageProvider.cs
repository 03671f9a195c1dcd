using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Registry;
using TemplateFleet.Tools;

namespace TemplateFleet.Images;

/// <summary>
/// Ensures the Debian OS image the base builds FROM: fleet.yaml's os.image when present locally or
/// pullable; otherwise a minbase debootstrap of os.suite from Debian's archive, imported once and
/// reused (tag &lt;images.repository&gt;/os:&lt;suite&gt;). Reference is what the base Dockerfile gets as OS_IMAGE (the
/// image id); Source its label value: "registry:&lt;image&gt;" or "debootstrap:&lt;suite&gt;".
/// </summary>
public sealed class OsImageProvider(IDockerClient docker, string workDirectory)
{
    public async Task<(string Reference, string Source)> EnsureAsync(FleetConfig config, CancellationToken ct)
    {
        var os = config.Base.Os;
        var tag = $"{config.Images.RepositoryOf("os")}:{os.Suite}";
        var source = $"debootstrap:{os.Suite}";
        // What the engine already holds wins, without asking a registry: every warm build stays offline and on
        // the same OS layers (a registry that starts answering later must not silently rebuild the fleet).
        // By id, never by name: a name can move (a newer pull, a new bootstrap); the base's inputs must not.
        if ((await ImagePull.InspectAsync(docker, os.Image, ct))?.ID is { } cached)
        {
            Log.Information("OS image {Image} (registry, cached)", os.Image);
            return (cached, $"registry:{os.Image}");
        }
        if ((await ImagePull.InspectAsync(docker, tag, ct))?.ID is { } bootstrapped)
        {
            Log.Information("OS image {Tag} (cached, {Source})", tag, source);
            return (bootstrapped, source);
        }
        var (pulled, error) = await ImagePull.EnsureAsync(docker, os.Image, auth: null, ct);
        if (pulled is not null)
        {
            Log.Information("OS image {Image} (registry)", os.Image);
            return (pulled, $"registry:{os.Image}");
        }

        Log.Information("Pulling {Image} failed: {Reason}", os.Image, error);

        Log.Information("OS image {Image} is not available from a registry; bootstrapping Debian {Suite} with debootstrap (about 35 s)", os.Image, os.Suite);
        return (await BootstrapAsync(os.Suite, tag, source, ct), source);
    }

    private async Task<string> BootstrapAsync(string suite, string tag, string source, CancellationToken ct)
    {
        if (!File.Exists("/usr/sbin/debootstrap") && !File.Exists("/usr/bin/debootstrap"))
            throw new FleetException("debootstrap is missing: install it with `apt-get install -y --no-install-recommends debootstrap` (as root), or make the fleet.yaml base.os.image available to the engine.");

        await RemoveLeftoversAsync();
        // The owner in the name: a later run can tell a killed run's tree from one a concurrent run is making.
        var root = Path.Combine(workDirectory, $"{ScratchPrefix}{suite}_{RunOwner.Current.Replace('/', '_')}_{Guid.NewGuid():N}");
        try
        {
            var clock = Stopwatch.StartNew();
            // Debian's default mirror: no mirror URL is written anywhere in the repository.
            var (code, tail) = await RunAsync("debootstrap", ["--variant=minbase", suite, root], ct);
            if (code != 0)
                throw new FleetException($"debootstrap --variant=minbase {suite} failed (exit {code}):\n{tail}");

            // Stream the tree as a tar straight into the engine's import (no temporary archive).
            using var tar = Process.Start(new ProcessStartInfo("tar", ["--numeric-owner", "-C", root, "-c", "."])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters
                {
                    FromSrc = "-",
                    // The engine parses the tag out of the name, as `docker import - <name>:<tag>` sends it.
                    Repo = tag,
                    Changes = [$"LABEL {Labels.OsSource}={source}", "CMD [\"bash\"]"],
                },
                tar.StandardOutput.BaseStream, null, new Progress<JSONMessage>(), ct);
            await tar.WaitForExitAsync(ct);
            if (tar.ExitCode != 0)
                throw new FleetException($"tar of the debootstrapped tree {root} failed (exit {tar.ExitCode}).");

            var id = (await docker.Images.InspectImageAsync(tag, ct)).ID;
            Log.Information("OS image {Tag} ({Id}) bootstrapped and imported in {Seconds:0} s", tag, id, clock.Elapsed.TotalSeconds);
            return id;
        }
        finally
        {
            if (Directory.Exists(root))
            {
                // debootstrap leaves device nodes and root-owned files; rm handles them where Directory.Delete may not.
                await RunAsync("rm", ["-rf", "--one-file-system", root], CancellationToken.None);
            }
        }
    }

    private const string ScratchPrefix = "debootstrap-";

    /// <summary>
    /// Trees of bootstraps whose build was killed (SIGKILL, a lost runner): debootstrap mounts /proc and /sys
    /// inside them, so those go first (lazily, deepest first), then the tree. Trees of live builds stay.
    /// </summary>
    private async Task RemoveLeftoversAsync()
    {
        if (!Directory.Exists(workDirectory))
            return;
        foreach (var tree in Directory.GetDirectories(workDirectory, ScratchPrefix + "*"))
        {
            var parts = Path.GetFileName(tree)[ScratchPrefix.Length..].Split('_');
            // <suite>_<boot id>_<pid>_<start ticks>_<guid>
            var owner = parts.Length == 5 ? string.Join('/', parts[1..4]) : null;
            if (RunOwner.IsAlive(owner) != false && Directory.GetLastWriteTimeUtc(tree) > DateTime.UtcNow.AddDays(-1))
                continue;
            Log.Information("Removing the OS bootstrap {Tree} of a build that was killed", tree);
            var full = Path.GetFullPath(tree) + "/";
            var mounts = File.Exists("/proc/self/mounts")
                ? File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')[1].Replace("\\040", " "))
                    .Where(m => m.StartsWith(full, StringComparison.Ordinal)).OrderByDescending(m => m.Length).ToList()
                : [];
            foreach (var mount in mounts)
                await RunAsync("umount", ["-l", mount], CancellationToken.None);
            await RunAsync("rm", ["-rf", "--one-file-system", tree], CancellationToken.None);
        }
    }

    private static async Task<(int Code, string Tail)> RunAsync(string file, string[] args, CancellationToken ct)
    {
        var result = await ToolProcess.RunAsync(file, args, null, Timeout.InfiniteTimeSpan, ct, onLine: line => Log.Debug("[{Tool}] {Line}", file, line));
        return (result.ExitCode, string.Join('\n', result.Output.Split('\n')[..^1].TakeLast(20)));
    }
}
