namespace TemplateFleet.Publishing;

/// <summary>
/// The content of a pin file (templates/&lt;name&gt;/pin.json, templates/base/pin.json): one published image by
/// digest and what it was released from. <see cref="Inputs"/> is the content address of everything that shapes
/// the image's content (<c>Images.ReleaseInputs</c>): a template or base whose inputs equal its pin's is not
/// built or published again. Format v3 (<c>"schemaVersion": 3</c>: v2 plus <see cref="Upstream"/>); v1 and v2 pins (image, digest, runtimeVersion,
/// revision, publishedAt) still read, with the v2 fields null, and are written as v2 when next published.
/// </summary>
public sealed record Pin
{
    public const int CurrentSchemaVersion = 3;

    /// <summary>As read: 1 for a pin written before format v2. Every write is <see cref="CurrentSchemaVersion"/>.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The template's name, or the base's folder name ("base").</summary>
    public required string Template { get; init; }

    /// <summary>&lt;registry&gt;/&lt;repository&gt;/&lt;name&gt;, without tag or digest.</summary>
    public required string Image { get; init; }

    /// <summary>The manifest digest the registry serves.</summary>
    public required string Digest { get; init; }

    /// <summary>Release inputs address ("sha256:..."); null in a v1 pin.</summary>
    public string? Inputs { get; init; }

    /// <summary>The base the template was built FROM; null for the base's own pin and in v1 pins.</summary>
    public PinnedImage? Base { get; init; }

    /// <summary>Where the OS under the image came from ("debootstrap:bookworm", "registry:debian:bookworm-slim").</summary>
    public string? OsImage { get; init; }

    /// <summary>The runtime in the image; null for the base.</summary>
    public string? RuntimeVersion { get; init; }

    /// <summary>The agent CLI's version (template.yaml agent.version); null for the base.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>The source commit the image was built from ("unknown" without git).</summary>
    public required string Revision { get; init; }

    /// <summary>
    /// v3: the version of each upstream input the image took, by input name (README "Keeping the fleet current"): the
    /// base's Node, npm, Docker CLI and security archive; a template's agent. Null in v1 and v2 pins.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Upstream { get; init; }

    /// <summary>What the gates said about this image; null for the base and in v1 pins.</summary>
    public PinGates? Gates { get; init; }

    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>Sections other concerns own (supply chain: "supplyChain"), each with its own record and (de)serializer.</summary>
    public IReadOnlyList<IPinSection> Sections { get; init; } = [];

    /// <summary>The reference the fleet pulls: &lt;image&gt;@sha256:...</summary>
    public string Reference => $"{Image}@{Digest}";

    /// <summary>The section of type <typeparamref name="T"/>, or null.</summary>
    public T? Section<T>() where T : class, IPinSection => Sections.OfType<T>().FirstOrDefault();

    public bool Equals(Pin? other) =>
        other is not null
        && SchemaVersion == other.SchemaVersion && Template == other.Template && Image == other.Image && Digest == other.Digest
        && Inputs == other.Inputs && Base == other.Base && OsImage == other.OsImage && RuntimeVersion == other.RuntimeVersion
        && AgentVersion == other.AgentVersion && UpstreamText == other.UpstreamText && Revision == other.Revision && Gates == other.Gates && PublishedAt == other.PublishedAt
        && PinSections.Text(Sections) == PinSections.Text(other.Sections);

    string UpstreamText => Upstream is null ? "" : string.Join(",", Upstream.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key}={u.Value}"));

    public override int GetHashCode() => HashCode.Combine(Template, Image, Digest, Inputs, Revision, PublishedAt);
}

/// <summary>An image in a registry, by digest.</summary>
public sealed record PinnedImage(string Image, string Digest)
{
    public string Reference => $"{Image}@{Digest}";

    /// <summary>Splits "&lt;image&gt;@sha256:..."; null when the reference carries no sha256 digest.</summary>
    public static PinnedImage? Parse(string reference)
    {
        var at = reference.LastIndexOf('@');
        return at > 0 && PinFile.Sha256Digest().IsMatch(reference[(at + 1)..]) ? new PinnedImage(reference[..at], reference[(at + 1)..]) : null;
    }
}

/// <summary>Both gates' totals when the image was published, and the provisioner shape T4 ran in.</summary>
public sealed record PinGates(CheckTotals Smoke, CheckTotals T4, string T4Shape);

/// <summary>Passed and total checks of one gate.</summary>
public sealed record CheckTotals(int Passed, int Total)
{
    public override string ToString() => $"{Passed}/{Total}";
}
