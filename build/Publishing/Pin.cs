namespace TemplateFleet.Publishing;

/// <summary>The content of templates/&lt;name&gt;/pin.json: a template's last published image, pinned by digest.</summary>
public sealed record Pin(string Image, string Digest, string RuntimeVersion, string Revision, DateTimeOffset PublishedAt)
{
    /// <summary>The reference the fleet pulls: &lt;image&gt;@sha256:...</summary>
    public string Reference => $"{Image}@{Digest}";
}
