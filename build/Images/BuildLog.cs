using System.Text;
using Docker.DotNet.Models;
using Serilog;

namespace TemplateFleet.Images;

/// <summary>
/// Turns the engine's build stream into whole lines: each is logged with a "[name] " prefix and appended
/// to the per-template log file as it arrives; remembers the current step and the last lines for failures, and
/// the error and image id the stream reports. Handles each message synchronously and in order (Progress&lt;T&gt;
/// would post to the thread pool).
/// </summary>
public sealed class BuildLog(string name, string path) : IProgress<JSONMessage>, IDisposable
{
    public const int TailLines = 20;
    private readonly StreamWriter _file = Create(path);
    private readonly StringBuilder _partial = new();
    private readonly Queue<string> _tail = new();
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    /// <summary>The last "Step N/M : ..." line seen.</summary>
    public string? CurrentStep { get; private set; }

    public string? Error { get; private set; }

    public string? ImageId { get; private set; }

    public IReadOnlyList<string> Tail
    {
        get
        {
            lock (_lock)
            {
                return [.. _tail];
            }
        }
    }

    public void Report(JSONMessage value)
    {
        if (value.Stream is { Length: > 0 } text)
            Append(text);

        if (value.Status is { Length: > 0 } status)
            Line(value.ID is { Length: > 0 } id ? $"{id}: {status}" : status);

        if (value.Error is { Message: { Length: > 0 } message })
        {
            Error = message.Trim();
            Line($"ERROR: {Error}");
        }

        if (value.Aux?.ExtensionData is { } aux && aux.TryGetValue("ID", out var id2) && id2?.ToString() is { Length: > 0 } imageId)
            ImageId = imageId;
    }

    /// <summary>Appends raw stream text; complete lines are emitted, a trailing fragment waits for the rest.</summary>
    public void Append(string text)
    {
        lock (_lock)
        {
            var lines = _partial.Append(text).ToString().Split('\n');
            _partial.Clear().Append(lines[^1]);
            foreach (var line in lines[..^1])
                Emit(line.TrimEnd('\r'));
        }
    }

    /// <summary>A message that is a line of its own (status, error).</summary>
    public void Line(string line)
    {
        lock (_lock)
        {
            Flush();
            Emit(line);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Flush();
            _file.Dispose();
        }
    }

    private void Flush()
    {
        if (_partial.Length > 0)
        {
            Emit(_partial.ToString());
            _partial.Clear();
        }
    }

    private void Emit(string line)
    {
        if (line.StartsWith("Step ", StringComparison.Ordinal) && line.Contains(" : ", StringComparison.Ordinal))
            CurrentStep = line;

        _file.WriteLine(line);
        _tail.Enqueue(line);
        if (_tail.Count > TailLines)
            _tail.Dequeue();

        if (line.Length > 0)
            Log.Information("[{Template}] {Line}", name, line);
    }

    private static StreamWriter Create(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new StreamWriter(path, append: false, new UTF8Encoding(false)) { AutoFlush = true };
    }
}
