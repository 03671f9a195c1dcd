namespace TemplateFleet.Images;

/// <summary>
/// An image reference as the engine's tag and pull calls take it: repository (with any registry host and
/// port) and tag, "latest" when none is given. The tag's colon is the last one after the last slash, so a
/// registry port (127.0.0.1:5000/x) is never read as a tag.
/// </summary>
public readonly record struct ImageReference(string Repository, string Tag)
{
    public static ImageReference Parse(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/')
            ? new ImageReference(reference[..colon], reference[(colon + 1)..])
            : new ImageReference(reference, "latest");
    }

    public override string ToString() => $"{Repository}:{Tag}";
}
