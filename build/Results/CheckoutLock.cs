using Serilog;
using TemplateFleet.Files;
using TemplateFleet.Fleet;

namespace TemplateFleet.Results;

/// <summary>
/// One run at a time writes a checkout's results: output/results holds one run's records, and a second build in
/// the same checkout would delete them under the first or write the same record twice. The second build waits
/// for the first, as Bazel does for its output base, and says so; the lock is a <see cref="FileLock"/>, so a build
/// that was killed holds nothing.
/// </summary>
public static class CheckoutLock
{
    public const string FileName = ".run.lock";

    /// <summary>Takes the lock of <paramref name="outputDirectory"/>, waiting up to <paramref name="timeout"/> for another build.</summary>
    public static FileLock Acquire(string outputDirectory, TimeSpan timeout, TimeSpan? poll = null)
    {
        var path = Path.Combine(outputDirectory, FileName);
        return FileLock.WaitAsync(path, timeout, poll ?? TimeSpan.FromSeconds(1),
            () => Log.Information("Another build runs in this checkout ({Lock} is held); waiting up to {Minutes:0} min for it to end", path, timeout.TotalMinutes),
            () => new FleetException($"another build has run in this checkout for longer than {timeout.TotalMinutes:0} min ({path} is held): "
                + "wait for it to end, stop it, or run this build in another clone."),
            CancellationToken.None).GetAwaiter().GetResult();
    }
}
