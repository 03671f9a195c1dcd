using System.Text.Json.Serialization;

namespace TemplateFleet.Results;

public enum BuildStatus
{
    /// <summary>Built now (or an engine-local image with the same build inputs was reused).</summary>
    Built,
    /// <summary>Not built: the release inputs equal the pin's, so the pinned image stands.</summary>
    Unchanged,
    Failed,
    /// <summary>Not attempted (the base failed).</summary>
    Skipped,
}

/// <summary>
/// One template's BuildImage outcome, written once to output/results/build/&lt;template&gt;.json. Later stages refer
/// to the image by <see cref="ImageId"/> only, never by a tag (another build on the engine may move a tag).
/// </summary>
/// <param name="Inputs">Release inputs address (Images.ReleaseInputs): what a pin compares; null when the build could not start.</param>
/// <param name="Base">The base reference the template was built FROM (a registry digest once the base is published).</param>
/// <param name="LogFile">The build log, relative to the repository root.</param>
public sealed record BuildResult(
    string Template,
    BuildStatus Status,
    string? ImageId,
    IReadOnlyList<string> Tags,
    string? Inputs,
    string? Base,
    string? LogFile,
    TimeSpan Duration,
    string? Failure)
{
    /// <summary>An image exists that the gates and Publish may use.</summary>
    [JsonIgnore]
    public bool Succeeded => Status == BuildStatus.Built && ImageId is not null;
}

public enum BaseStatus
{
    /// <summary>Built on this engine (or reused with the same build inputs).</summary>
    Built,
    /// <summary>A published base, by digest: held by the engine or pulled from the registry; nothing was built.</summary>
    Pulled,
    Failed,
}

/// <summary>
/// The base image of this run, written once to output/results/base.json by BuildBase. Templates build FROM
/// <see cref="Reference"/>, unless PublishBase published it afterwards (then FROM the published digest).
/// </summary>
/// <param name="Reference">What templates build FROM: &lt;registry&gt;/&lt;repository&gt;/base@sha256:... when pulled, else the local image id.</param>
/// <param name="Inputs">Release inputs address; null when the base was given by reference (--base-image) and not built here.</param>
/// <param name="OsImage">Where the OS came from (label ai.molecule.fleet.os-source), e.g. "debootstrap:bookworm".</param>
/// <param name="Origin">How the base was settled, one line: "built", "the pin templates/base/pin.json", "--base-image".</param>
public sealed record BaseResult(
    BaseStatus Status,
    string? ImageId,
    string? Reference,
    string? Inputs,
    string? OsImage,
    string Origin,
    IReadOnlyList<string> Tags,
    string? LogFile,
    TimeSpan Duration,
    string? Failure)
{
    [JsonIgnore]
    public bool Succeeded => Status != BaseStatus.Failed && ImageId is not null && Reference is not null;
}
