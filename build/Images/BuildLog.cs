using System.Text;
using Serilog;

namespace TemplateFleet.Images;

/// <summary>
/// Turns the engine's build stream into whole lines: each is logged with a "[name] " prefix and appended
/// to the per-template log file as it arrives; remembers the current step and the last lines for failures.
/// </summary>
public sealed class BuildLog(string name, string path) : IDisposable
{
    public const int TailLines = 20;
    private readonly StreamWriter _file = Create(path);
    private readonly StringBuilder _partial = new();
    private readonly Queue<string> _tail = new();
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    /// <summary>The last "Step N/M : ..." line seen.</summary>
    public string? CurrentStep { get; private set; }

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

    /// <summary>Appends raw stream text; complete lines are emitted, a trailing fragment waits for the rest.</summary>
    public void Append(string text)
    {
        lock (_lock)
        {
            _partial.Append(text);
            var buffered = _partial.ToString();
            var lastNewline = buffered.LastIndexOf('\n');
            if (lastNewline < 0)
                return;

            _partial.Clear().Append(buffered, lastNewline + 1, buffered.Length - lastNewline - 1);
            foreach (var line in buffered[..lastNewline].Split('\n'))
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
