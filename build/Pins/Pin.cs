using System.Text.Json.Serialization;
using TemplateFleet.PackageIndex;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.Pins;

/// <summary>
/// A pin file (templates/&lt;name&gt;/pin.json, templates/base/pin.json): one published image by digest and what it was
/// released from. <see cref="Inputs"/> is the content address of everything that shapes the image's content
/// (<c>Images.ReleaseInputs</c>): a template or base whose inputs equal its pin's is not built or published again.
/// The file is these properties as <see cref="PinFile"/> serialises them with System.Text.Json, in this order,
/// camelCase, absent when null. To add a field: add a property here (nullable, so older pins still read), and raise
/// <see cref="CurrentSchemaVersion"/> when a reader of the current version could not read what is written.
/// Format v3 (v2 plus <see cref="Upstream"/> and the build provenance's digest in <see cref="SupplyChainRecord.Provenance"/>);
/// v2 pins read as they are, v1 pins (image, digest, runtimeVersion, revision, publishedAt) with the v2 fields null; both
/// are written as v3 when next published.
/// </summary>
public sealed record Pin
{
    public const int CurrentSchemaVersion = 3;

    /// <summary>As read: 1 for a pin written before format v2, 2 for one written before v3. Every write is <see cref="CurrentSchemaVersion"/>.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The template's name, or the base's folder name ("base").</summary>
    public required string Template { get; init; }

    /// <summary>&lt;registry&gt;/&lt;repository&gt;/&lt;name&gt;, without tag or digest.</summary>
    [JsonConverter(typeof(PinJson.Repository))]
    public required string Image { get; init; }

    /// <summary>The manifest digest the registry serves.</summary>
    [JsonConverter(typeof(PinJson.Digest))]
    public required string Digest { get; init; }

    /// <summary>Release inputs address ("sha256:..."); null in a v1 pin.</summary>
    [JsonConverter(typeof(PinJson.ContentAddress))]
    public string? Inputs { get; init; }

    /// <summary>The base the template was built FROM; null for the base's own pin and in v1 pins.</summary>
    public PinnedImage? Base { get; init; }

    /// <summary>Where the OS under the image came from ("debootstrap:bookworm", "registry:debian:bookworm-slim").</summary>
    public string? OsImage { get; init; }

    /// <summary>The runtime in the image; null for the base.</summary>
    public Pep440Version? RuntimeVersion { get; init; }

    /// <summary>The agent CLI's version (template.yaml agent.version); null for the base.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>
    /// v3: the version of each upstream input the image took, by input name (docs/keeping-current.md): the base's
    /// node, npm, docker-cli and debian-security, in ordinal order of the name. Null for a template and in v1 and v2 pins.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Upstream
    {
        get;
        init => field = value is null ? null : new SortedDictionary<string, string>(value.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>The source commit the image was built from ("unknown" without git).</summary>
    public required string Revision { get; init; }

    /// <summary>What the gates said about this image; null for the base and in v1 pins.</summary>
    public PinGates? Gates { get; init; }

    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>SBOMs, signature, attestations, secret scan and security upgrades; null when published --unsigned.</summary>
    public SupplyChainRecord? SupplyChain { get; init; }

    /// <summary>The reference the fleet pulls: &lt;image&gt;@sha256:...</summary>
    [JsonIgnore]
    public string Reference => $"{Image}@{Digest}";

    /// <summary>Two pins are equal when their files are.</summary>
    public bool Equals(Pin? other) => other is not null && SchemaVersion == other.SchemaVersion && PinFile.Serialize(this) == PinFile.Serialize(other);

    public override int GetHashCode() => HashCode.Combine(Template, Digest);
}

/// <summary>An image in a registry, by digest.</summary>
public sealed record PinnedImage(
    [property: JsonConverter(typeof(PinJson.Repository))] string Image,
    [property: JsonConverter(typeof(PinJson.Digest))] string Digest)
{
    [JsonIgnore]
    public string Reference => $"{Image}@{Digest}";

    /// <summary>Splits "&lt;image&gt;@sha256:..."; null when the reference carries no sha256 digest.</summary>
    public static PinnedImage? Parse(string reference)
    {
        var at = reference.LastIndexOf('@');
        return at > 0 && PinJson.Sha256().IsMatch(reference[(at + 1)..]) ? new PinnedImage(reference[..at], reference[(at + 1)..]) : null;
    }
}

/// <summary>Both gates' totals when the image was published, and the provisioner shape T4 ran in.</summary>
public sealed record PinGates(CheckTotals Smoke, CheckTotals T4, string T4Shape);

/// <summary>Passed and total checks of one gate for one template: in the pin, the summary and the pull request.</summary>
public sealed record CheckTotals(int Passed, int Total)
{
    public override string ToString() => Passed == Total ? $"{Passed}/{Total}" : $"{Passed}/{Total} ({Total - Passed} failed)";
}
