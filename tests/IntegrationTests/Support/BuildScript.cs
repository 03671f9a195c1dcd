using System.Diagnostics;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>Runs the repository's ./build.sh as a user does, and keeps its whole output under output/tests/.</summary>
public static class BuildScript
{
    /// <param name="logName">File name under output/tests/ for the combined output, or a full path.</param>
    /// <param name="environment">Extra environment (secrets go here, as CI passes them).</param>
    public static Task<(int Exit, string Output)> RunAsync(
        string logName, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgramAsync(logName, workingDirectory, environment, RepositoryRoot.Combine("build.sh"), args);

    /// <summary>Runs <paramref name="program"/> (a bootstrap: build.sh, or pwsh with build.ps1) the same way.</summary>
    public static async Task<(int Exit, string Output)> RunProgramAsync(
        string logName, string workingDirectory, IReadOnlyDictionary<string, string> environment, string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        var log = Path.IsPathRooted(logName) ? logName : RepositoryRoot.Combine("output", "tests", logName);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        await File.WriteAllTextAsync(log, output);
        return (process.ExitCode, output);
    }

    public static string Tail(string text, int lines = 60) => string.Join('\n', text.Split('\n').TakeLast(lines));

    /// <summary>./build.sh with <paramref name="args"/> in <paramref name="workingDirectory"/>, its output kept in <paramref name="log"/>.</summary>
    public static async Task<BuildRun> RunBuildAsync(string log, string workingDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        var list = args.ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output) = await RunAsync(log, workingDirectory, environment ?? new Dictionary<string, string>(), [.. list]);
        return new BuildRun(list, exit, output, log, clock.Elapsed);
    }

    /// <summary>Starts ./build.sh in the background (to signal or observe it while it runs); the output is collected as it comes.</summary>
    public static RunningBuild Start(params string[] args)
    {
        var start = new ProcessStartInfo(RepositoryRoot.Combine("build.sh"))
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        var build = new RunningBuild(Process.Start(start)!);
        build.Process.OutputDataReceived += (_, e) => build.Append(e.Data);
        build.Process.ErrorDataReceived += (_, e) => build.Append(e.Data);
        build.Process.BeginOutputReadLine();
        build.Process.BeginErrorReadLine();
        return build;
    }
}

/// <summary>A finished ./build.sh: its arguments, exit code, whole output and where that output is kept.</summary>
public sealed record BuildRun(IReadOnlyList<string> Args, int Exit, string Output, string Log, TimeSpan Duration)
{
    /// <summary>For an assertion message: what ran, how it ended, the end of its output and where the rest is.</summary>
    public string Describe(int lines = 60) => $"./build.sh {string.Join(' ', Args)} exited {Exit} after {Duration.TotalSeconds:0} s; log: {Log}\n{BuildScript.Tail(Output, lines)}";

    public void AssertSucceeded(int lines = 60) => Assert.True(Exit == 0, Describe(lines));
}

/// <summary>A ./build.sh that runs: its process, the owner label its containers carry, its output so far.</summary>
public sealed class RunningBuild(Process process) : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();

    public Process Process { get; } = process;

    /// <summary>build.sh execs dotnet: the same pid and start time, so the owner label names this process.</summary>
    public string Owner { get; } = TemplateFleet.Fleet.RunOwner.Of(process);

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    internal void Append(string? line)
    {
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>Sends a signal by name (TERM, KILL, ...), as a CI runner does.</summary>
    public void Signal(string signal) =>
        Process.Start("kill", [$"-{signal}", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public void Dispose() => Process.Dispose();
}
