using Serilog;
using TemplateFleet.Fleet;

namespace TemplateFleet.Results;

/// <summary>
/// One run at a time writes a checkout's results: output/results holds one run's records, and a second build in
/// the same checkout would delete them under the first or write the same record twice. The second build waits
/// for the first, as Bazel does for its output base, and says so; the lock is the kernel's (flock through
/// FileShare.None), so a build that was killed holds nothing.
/// </summary>
public sealed class CheckoutLock : IDisposable
{
    public const string FileName = ".run.lock";

    readonly FileStream stream;

    CheckoutLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock of <paramref name="outputDirectory"/>, waiting up to <paramref name="timeout"/> for another build.</summary>
    public static CheckoutLock Acquire(string outputDirectory, TimeSpan timeout, TimeSpan? poll = null)
    {
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, FileName);
        var deadline = DateTime.UtcNow + timeout;
        var said = false;
        while (true)
        {
            try
            {
                return new CheckoutLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!said)
                {
                    Log.Information("Another build runs in this checkout ({Lock} is held); waiting up to {Minutes:0} min for it to end", path, timeout.TotalMinutes);
                    said = true;
                }
                Thread.Sleep(poll ?? TimeSpan.FromSeconds(1));
            }
            catch (IOException)
            {
                throw new FleetException($"another build has run in this checkout for longer than {timeout.TotalMinutes:0} min ({path} is held): "
                    + "wait for it to end, stop it, or run this build in another clone.");
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
