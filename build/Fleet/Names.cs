using System.Text.RegularExpressions;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Fleet;

/// <summary>The shapes of names and exact versions the fleet data may use (Python's: <see cref="PackageIndex.PackageName"/>, <see cref="PackageIndex.Pep440Version"/>).</summary>
public static partial class Names
{
    /// <summary>A template folder name: no path separators, so it can never point outside templates/.</summary>
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]*\z")]
    public static partial Regex TemplateName();

    /// <summary>npm package name, optionally scoped.</summary>
    [GeneratedRegex(@"\A(@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*\z")]
    public static partial Regex NpmPackage();

    /// <summary>An exact SemVer 2.0 version (what npm pins); ranges, tags and wildcards do not match.</summary>
    [GeneratedRegex(@"\A(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\z")]
    public static partial Regex ExactSemver();

    /// <summary>A docker repository path (lower case, no tag).</summary>
    [GeneratedRegex(@"\A[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*\z")]
    public static partial Regex ImageRepository();

    /// <summary>A command name on PATH (no spaces, no slashes).</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9._-]+\z")]
    public static partial Regex CommandName();

    /// <summary>A user name or numeric id as used for file owners.</summary>
    [GeneratedRegex(@"\A([a-z_][a-z0-9_-]*|[0-9]+)\z")]
    public static partial Regex Owner();

    /// <summary>An octal file mode such as 0440 or 755.</summary>
    [GeneratedRegex(@"\A[0-7]{3,4}\z")]
    public static partial Regex OctalMode();

    /// <summary>A Debian suite's code name (bookworm, trixie).</summary>
    [GeneratedRegex(@"\A[a-z]+\z")]
    public static partial Regex DebianSuite();

    /// <summary>A Debian package name (deb-control(5): lower case, digits, + - .; at least two characters).</summary>
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9+.-]+\z")]
    public static partial Regex DebianPackage();

    /// <summary>An exact Debian version (deb-version(7): [epoch:]upstream[-revision]).</summary>
    [GeneratedRegex(@"\A([0-9]+:)?[0-9][A-Za-z0-9.+~-]*\z")]
    public static partial Regex DebianVersion();
}
