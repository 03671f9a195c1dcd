namespace TemplateFleet.PackageIndex;

/// <summary>A wheel on disk and what an index needs to publish it.</summary>
public sealed record BuiltWheel(
    string Name,
    string Version,
    string Path,
    string Sha256,
    long Size,
    string RequiresPython,
    string Summary)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}
