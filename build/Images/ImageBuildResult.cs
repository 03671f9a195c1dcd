namespace TemplateFleet.Images;

/// <summary>The outcome of one image build. On failure, the step that failed and the log's last lines.</summary>
public sealed record ImageBuildResult(
    string Name,
    string? ImageId,
    string? Error,
    string? FailedStep,
    IReadOnlyList<string> LogTail,
    string LogFile,
    TimeSpan Duration)
{
    public bool Succeeded => ImageId is not null && Error is null;

    /// <summary>One message a person can act on: template, step, error, log tail and where the full log is.</summary>
    public string FailureMessage =>
        $"""
        Image build for '{Name}' failed at {FailedStep ?? "(before the first step)"}
          error: {Error}
          last lines of {LogFile}:
            {string.Join("\n    ", LogTail)}
        """;
}
