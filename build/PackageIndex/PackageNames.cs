using System.Text.RegularExpressions;

namespace TemplateFleet.PackageIndex;

/// <summary>Python distribution name and version rules (PEP 503 project names, PEP 427 wheel file names).</summary>
public static partial class PackageNames
{
    /// <summary>PEP 503: runs of -, _ and . become one "-", lower case. Used in /simple/&lt;name&gt;/ URLs.</summary>
    public static string Normalize(string name) => Separators().Replace(name, "-").ToLowerInvariant();

    /// <summary>PEP 427/491: the name part of a wheel file name and of its .dist-info folder.</summary>
    public static string WheelName(string name) => Normalize(name).Replace('-', '_');

    public static string WheelFileName(string name, string version) => $"{WheelName(name)}-{version}-py3-none-any.whl";

    /// <summary>Public PEP 440 versions only (no local part): the version becomes a file name and a URL segment.</summary>
    public static bool IsValidVersion(string version) => Pep440().IsMatch(version);

    [GeneratedRegex("[-_.]+")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^([0-9]+!)?[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$")]
    private static partial Regex Pep440();
}
