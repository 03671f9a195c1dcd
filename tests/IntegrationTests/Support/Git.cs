using System.Diagnostics;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>git as the tests drive it: in a folder, failing the caller with git's own error.</summary>
public static class Git
{
    public static async Task<string> RunAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} in {directory} failed (exit {process.ExitCode}): {error.Trim()}");
        return await output;
    }

    /// <summary>Every change in <paramref name="directory"/> as one commit (empty ones too).</summary>
    public static async Task CommitAsync(string directory, string message)
    {
        await RunAsync(directory, "add", "-A");
        await RunAsync(directory, "-c", "user.name=Fleet tests", "-c", "user.email=fleet-tests@localhost", "commit", "--quiet", "--allow-empty", "-m", message);
    }

    /// <summary>A repository of its own at <paramref name="directory"/> (branch main) holding what is there, one commit.</summary>
    public static async Task InitAsync(string directory, string message)
    {
        await RunAsync(directory, "init", "--quiet", "--initial-branch=main");
        await CommitAsync(directory, message);
    }

    public static async Task<string> HeadAsync(string directory) => (await RunAsync(directory, "rev-parse", "HEAD")).Trim();
}
