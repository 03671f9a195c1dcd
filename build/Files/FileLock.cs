using Serilog;
using TemplateFleet.Tools;

namespace TemplateFleet.Files;

/// <summary>
/// An exclusive lock on a file, held until disposed: two builds (or two tasks of one build) installing the same tool, or
/// running in one checkout, take turns. On Linux .NET takes it with flock(2), the lock `flock` in the shell scripts takes,
/// and the kernel drops it when the holder dies, so a killed build leaves no stale lock behind.
/// </summary>
public sealed class FileLock(FileStream stream) : IDisposable
{
    /// <param name="what">What the lock guards, for the waiting message ("installing cosign 2.5.0").</param>
    public static Task<FileLock> AcquireAsync(string path, string what, TimeSpan timeout, CancellationToken ct) =>
        WaitAsync(path, timeout, TimeSpan.FromMilliseconds(250),
            () => Log.Information("Waiting for another build {What} (lock {Lock}; up to {Seconds:0} s)", what, path, timeout.TotalSeconds),
            () => new ToolException($"another build held {path} for {timeout.TotalSeconds:0} s while {what}; let it finish (or end it) and run this build again."),
            ct);

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>: <paramref name="waiting"/> once when another holds it,
    /// and the exception <paramref name="timedOut"/> makes when it still does at the end.</summary>
    public static async Task<FileLock> WaitAsync(string path, TimeSpan timeout, TimeSpan poll, Action waiting, Func<Exception> timedOut, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var said = false; ; said = true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (waited.Elapsed < timeout)
            {
                if (!said)
                    waiting();
                await Task.Delay(poll, ct);
            }
            catch (IOException)
            {
                throw timedOut();
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
