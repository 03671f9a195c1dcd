using TemplateFleet.Pins;

namespace TemplateFleet.Results;

public enum PublishStatus
{
    Published,
    /// <summary>Nothing to publish: its inputs equal its pin's, which stands.</summary>
    Unchanged,
    /// <summary>Not eligible (a build or gate failed); the old pin stays.</summary>
    NotPublished,
    /// <summary>Eligible, but the push, read-back or pin failed; the old pin stays.</summary>
    Failed,
}

/// <summary>
/// One template's (or the base's) Publish outcome, written once to output/results/publish/&lt;name&gt;.json: the full
/// pin that was written, or why none was. The pins job builds its pull request from these alone.
/// </summary>
/// <param name="Reason">"published", or why not, one line a person can act on.</param>
/// <param name="Pin">Published: the pin as written; Unchanged: the pin that stands; otherwise null.</param>
/// <param name="PinFile">The pin file, relative to the repository root ('/'-separated).</param>
/// <param name="Tags">The registry tags pushed (&lt;image&gt;:&lt;tag&gt;).</param>
/// <param name="SbomChange">Published: what changed since the old pin by the two SBOMs (runtime, agent CLI, Debian packages), one line.</param>
public sealed record PublishResult(
    string Template,
    PublishStatus Status,
    string Reason,
    Pin? Pin,
    string PinFile,
    IReadOnlyList<string> Tags,
    string? SbomChange = null);
