using System.ComponentModel;
using System.Text;
using CliWrap;

namespace TemplateFleet.Tools;

/// <summary>The outcome of one command: its exit code, its combined output, and its standard output and error apart.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Stdout = "", string Stderr = "")
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-empty lines, indented, for an error message.</summary>
    public string Tail(int lines = 8) =>
        string.Join('\n', Output.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(lines).Select(l => "  " + l.TrimEnd()));
}

/// <summary>
/// Runs the commands the build needs (apt-get, dpkg-deb, npm, dotnet, git, trivy, cosign, the tool itself), bounded in
/// time: arguments as a list (never a shell line), standard input closed, the environment given only to that one
/// child process. A command still running at its timeout or on cancellation is killed with its whole process tree.
/// </summary>
public static class ToolProcess
{
    /// <summary>Runs <paramref name="file"/>; a missing program is exit code 127, like a shell's (with
    /// <paramref name="throwWhenMissing"/>, CliWrap's <see cref="Win32Exception"/> instead).</summary>
    /// <param name="onLine">Sees each line as it comes (for what must be said while it runs).</param>
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> args, string? workingDirectory, TimeSpan timeout, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null, bool throwWhenMissing = false)
    {
        var output = new StringBuilder();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        // Each stream whole as it was written, and line by line into the combined output in the order the lines came.
        PipeTarget Into(StringBuilder apart) => PipeTarget.Merge(PipeTarget.ToStringBuilder(apart, Encoding.UTF8), PipeTarget.ToDelegate(line =>
        {
            onLine?.Invoke(line);
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }, Encoding.UTF8));
        var command = Cli.Wrap(file)
            .WithArguments(args)
            .WithWorkingDirectory(workingDirectory ?? Environment.CurrentDirectory)
            .WithEnvironmentVariables((environment ?? new Dictionary<string, string>()).ToDictionary(e => e.Key, e => (string?)e.Value))
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(Into(stdout))
            .WithStandardErrorPipe(Into(stderr))
            .WithValidation(CommandResultValidation.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await command.ExecuteAsync(limit.Token);
                lock (output)
                {
                    return new ProcessResult(result.ExitCode, output.ToString(), stdout.ToString(), stderr.ToString());
                }
            }
            // ETXTBSY ("Text file busy", errno 26): a binary written a moment ago is still open for writing in a child
            // that another thread forked before its exec (golang/go#22315); the child's exec closes it, so try again.
            catch (Win32Exception e) when (e.InnerException is Win32Exception { NativeErrorCode: 26 } && attempt < 20)
            {
                await Task.Delay(50, ct);
            }
            catch (Win32Exception e) when (!throwWhenMissing)
            {
                return new ProcessResult(127, $"{file}: {(e.InnerException ?? e).Message}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                lock (output)
                {
                    return new ProcessResult(124, output + $"(stopped after {timeout.TotalSeconds:0} s)\n", "",
                        $"{Path.GetFileName(file)} stopped after {timeout.TotalSeconds:0} s");
                }
            }
        }
    }
}
