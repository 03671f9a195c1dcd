using System.Text.RegularExpressions;

namespace TemplateFleet.Tools;

/// <summary>Debian package versions (deb-version(7): [epoch:]upstream[-revision]): their parts, and dpkg's ordering.</summary>
public static partial class DebianVersion
{
    /// <summary>A well-formed Debian version: optional numeric epoch, an upstream part starting with a digit, an optional revision.</summary>
    public static bool IsValid(string version) => Shape().IsMatch(version);

    /// <summary>The upstream part: without the epoch and without the revision after the last '-'.</summary>
    public static string Upstream(string version) => Split(version).Upstream;

    /// <summary>True when <paramref name="packageVersion"/> packages upstream <paramref name="toolVersion"/>:
    /// its upstream part is that version, or that version followed by Debian's repack suffix (+dfsg1, ~ds1).</summary>
    public static bool Packages(string packageVersion, string toolVersion)
    {
        var upstream = Upstream(packageVersion);
        return upstream == toolVersion
            || (upstream.StartsWith(toolVersion, StringComparison.Ordinal) && upstream[toolVersion.Length] is '+' or '~');
    }

    /// <summary>dpkg's ordering (dpkg --compare-versions): the epoch as a number, then the upstream part and the
    /// revision each compared as alternating runs of non-digits (letters before other characters, '~' before
    /// anything, even the end) and digits (as numbers). Negative, zero or positive, like <see cref="string.CompareOrdinal(string, string)"/>.</summary>
    public static int Compare(string a, string b)
    {
        var (epochA, upstreamA, revisionA) = Split(a);
        var (epochB, upstreamB, revisionB) = Split(b);
        if (epochA != epochB)
            return epochA.CompareTo(epochB);
        var upstream = CompareRuns(upstreamA, upstreamB);
        return upstream != 0 ? upstream : CompareRuns(revisionA, revisionB);
    }

    static (long Epoch, string Upstream, string Revision) Split(string version)
    {
        var colon = version.IndexOf(':');
        var epoch = colon > 0 && long.TryParse(version.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e) ? e : 0;
        var rest = colon >= 0 ? version[(colon + 1)..] : version;
        var dash = rest.LastIndexOf('-');
        return dash >= 0 ? (epoch, rest[..dash], rest[(dash + 1)..]) : (epoch, rest, "");
    }

    // dpkg's verrevcmp.
    static int CompareRuns(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var x = Order(i < a.Length ? a[i] : '\0');
                var y = Order(j < b.Length ? b[j] : '\0');
                if (x != y)
                    return x - y;
                i++;
                j++;
            }
            while (i < a.Length && a[i] == '0')
                i++;
            while (j < b.Length && b[j] == '0')
                j++;
            var firstDifference = 0;
            while (i < a.Length && j < b.Length && char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                if (firstDifference == 0)
                    firstDifference = a[i] - b[j];
                i++;
                j++;
            }
            if (i < a.Length && char.IsAsciiDigit(a[i]))
                return 1;
            if (j < b.Length && char.IsAsciiDigit(b[j]))
                return -1;
            if (firstDifference != 0)
                return firstDifference;
        }
        return 0;
    }

    static int Order(char c) => c switch
    {
        '\0' => 0,
        '~' => -1,
        _ when char.IsAsciiDigit(c) => 0,
        _ when char.IsAsciiLetter(c) => c,
        _ => c + 256,
    };

    [GeneratedRegex(@"^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$")]
    private static partial Regex Shape();
}
