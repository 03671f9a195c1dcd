using System.Text.RegularExpressions;

namespace TemplateFleet.Tools;

/// <summary>Debian package versions (deb-version(7): [epoch:]upstream[-revision]) as the tool pins use them.</summary>
public static partial class DebianVersion
{
    /// <summary>A well-formed Debian version: optional numeric epoch, an upstream part starting with a digit, an optional revision.</summary>
    public static bool IsValid(string version) => Shape().IsMatch(version);

    /// <summary>The upstream part: without the epoch and without the revision after the last '-'.</summary>
    public static string Upstream(string version)
    {
        var colon = version.IndexOf(':');
        var rest = colon >= 0 ? version[(colon + 1)..] : version;
        var dash = rest.LastIndexOf('-');
        return dash > 0 ? rest[..dash] : rest;
    }

    /// <summary>True when <paramref name="packageVersion"/> packages upstream <paramref name="toolVersion"/>:
    /// its upstream part is that version, or that version followed by Debian's repack suffix (+dfsg1, ~ds1).</summary>
    public static bool Packages(string packageVersion, string toolVersion)
    {
        var upstream = Upstream(packageVersion);
        return upstream == toolVersion
            || (upstream.StartsWith(toolVersion, StringComparison.Ordinal) && upstream[toolVersion.Length] is '+' or '~');
    }

    [GeneratedRegex(@"^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$")]
    private static partial Regex Shape();
}
