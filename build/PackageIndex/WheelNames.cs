
namespace TemplateFleet.PackageIndex;

/// <summary>PEP 427 wheel file names, built on the PEP 503 normal form of the project name.</summary>
public static class WheelNames
{
    /// <summary>PEP 427/491: the name part of a wheel file name and of its .dist-info folder.</summary>
    public static string WheelName(string name) => PackageName.Normalize(name).Replace('-', '_');

    public static string WheelFileName(string name, string version) => $"{WheelName(name)}-{version}-py3-none-any.whl";
}
