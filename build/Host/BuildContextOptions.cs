using System.Collections;

namespace TemplateFleet.Host;

/// <summary>Everything a run takes from its surroundings, injectable so tests run builds in-process.</summary>
public sealed class BuildContextOptions
{
    /// <summary>The repository root; null = --root, else search for .nuke/ from <see cref="WorkingDirectory"/>, then from the build's binaries.</summary>
    public string? RootDirectory { get; init; }
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public TextWriter Out { get; init; } = TextWriter.Null;
    public TextWriter Error { get; init; } = TextWriter.Null;
    /// <summary>Null = colours unless NO_COLOR is set or the output is redirected.</summary>
    public bool? UseColor { get; init; }
    /// <summary>Cancelling it acts as Ctrl-C.</summary>
    public CancellationToken CancellationToken { get; init; }
    /// <summary>True for the real process: hook Ctrl-C and route Console output through the secret masker.</summary>
    internal bool IsProcess { get; init; }

    public static BuildContextOptions FromProcess() => new()
    {
        Environment = System.Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
        Out = Console.Out,
        Error = Console.Error,
        UseColor = Console.IsOutputRedirected ? false : null,
        IsProcess = true,
    };
}
