using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

/// <summary>Runs a test build class in-process in a throw-away repository root (a temp folder with .nuke/).</summary>
internal sealed class HostHarness : IDisposable
{
    public HostHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "host-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, ".nuke"));
        Recorder.Clear();
    }

    public string Root { get; }
    public Dictionary<string, string> Environment { get; } = [];
    public bool? UseColor { get; set; }
    public CancellationToken CancellationToken { get; set; }

    public HostHarness WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public RunResult Run<TBuild>(params string[] args)
        where TBuild : NukeBuild, new()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = BuildRunner.Run<TBuild>(args, new BuildContextOptions
        {
            RootDirectory = Root,
            WorkingDirectory = Root,
            Environment = Environment,
            Out = output,
            Error = error,
            UseColor = UseColor,
            CancellationToken = CancellationToken,
        });
        return new RunResult(code, output.ToString(), error.ToString(), [.. Recorder.Executed]);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

internal sealed record RunResult(int ExitCode, string Out, string Error, IReadOnlyList<string> Executed)
{
    /// <summary>The summary row of a target, e.g. "Restore   Succeeded   &lt; 1sec".</summary>
    public string Row(string target) =>
        Out.Split('\n').Single(l => l.StartsWith(target + " ", StringComparison.Ordinal) && l.Contains("  ", StringComparison.Ordinal));

    public string StatusOf(string target) => Row(target)[target.Length..].Trim().Split(' ')[0];
}

/// <summary>What the test builds did; the host tests run one at a time (collection "host").</summary>
internal static class Recorder
{
    private static readonly List<string> Items = [];
    public static Dictionary<string, object?> Values { get; } = [];

    public static IReadOnlyList<string> Executed
    {
        get
        {
            lock (Items)
            {
                return [.. Items];
            }
        }
    }

    public static void Add(string target)
    {
        lock (Items)
        {
            Items.Add(target);
        }
    }

    public static void Clear()
    {
        lock (Items)
        {
            Items.Clear();
        }

        Values.Clear();
    }
}
