using System.Diagnostics;
using System.Text;

namespace TemplateFleet.Tools;

/// <summary>The outcome of one command: its exit code and its combined output.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-empty lines, indented, for an error message.</summary>
    public string Tail(int lines = 8) =>
        string.Join('\n', Output.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(lines).Select(l => "  " + l.TrimEnd()));
}

/// <summary>Runs the commands an install needs (apt-get, dpkg-deb, npm, dotnet, the tool itself), bounded in time.</summary>
public static class ToolProcess
{
    /// <summary>Runs <paramref name="file"/>; a missing program is exit code 127, like a shell's.</summary>
    /// <param name="onLine">Sees each line as it comes (for what must be said while it runs).</param>
    /// <param name="input">Written to standard input, which is then closed.</param>
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> args, string? workingDirectory, TimeSpan timeout, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null, string? input = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        Process process;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                process = Process.Start(start)!;
                break;
            }
            // ETXTBSY ("Text file busy", errno 26): a binary written a moment ago is still open for writing in a child
            // that another thread forked before its exec (golang/go#22315); the child's exec closes it, so try again.
            catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == 26 && attempt < 20)
            {
                await Task.Delay(50, ct);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return new ProcessResult(127, $"{file}: {e.Message}");
            }
        }
        using (process)
        {
            if (input is not null)
                await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            var output = new StringBuilder();
            void Keep(string? line)
            {
                if (line is not null)
                {
                    onLine?.Invoke(line);
                    lock (output)
                    {
                        output.Append(line).Append('\n');
                    }
                }
            }
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                ct.ThrowIfCancellationRequested();
                lock (output)
                {
                    return new ProcessResult(124, output + $"(stopped after {timeout.TotalSeconds:0} s)\n");
                }
            }
            // The exit event can come before the last output lines: wait for the streams to end.
            process.WaitForExit();
            lock (output)
            {
                return new ProcessResult(process.ExitCode, output.ToString());
            }
        }
    }
}
