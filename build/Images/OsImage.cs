namespace TemplateFleet.Images;

/// <param name="Reference">What the base Dockerfile gets as OS_IMAGE: the image id.</param>
/// <param name="Source">Label value: "registry:&lt;image&gt;" or "debootstrap:&lt;suite&gt;".</param>
public sealed record OsImage(string Reference, string Source);
