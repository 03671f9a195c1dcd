using System.Text.RegularExpressions;

namespace TemplateFleet.PackageIndex;

/// <summary>Python distribution names: the PEP 508 shape, and PEP 503 normalising (the /simple/&lt;name&gt;/ and
/// /pypi/&lt;name&gt;/ form, under which "Hermes_Agent" and "hermes-agent" are one project).</summary>
public static partial class PackageName
{
    /// <summary>PEP 508 distribution name.</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\z")]
    public static partial Regex Pattern();

    /// <summary>PEP 503: runs of -, _ and . become one "-", lower case.</summary>
    public static string Normalize(string name) => Separators().Replace(name, "-").ToLowerInvariant();

    /// <summary>Whether two names are the same project under PEP 503.</summary>
    public static bool Same(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>Where free text (a RUN line, a requirements file) names the project, in any spelling of case and
    /// separators PEP 503 treats as the same name.</summary>
    public static Regex Mention(string name) =>
        new($@"(?<![A-Za-z0-9_.-]){string.Join("[-_.]", name.Split('-', '_', '.').Select(Regex.Escape))}(?![A-Za-z0-9_-])", RegexOptions.IgnoreCase);

    [GeneratedRegex("[-_.]+")]
    private static partial Regex Separators();
}
