using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// A PEP 440 public version (epoch, release, pre, post, dev; no local "+..." part), normalised
/// (<c>V1.0.0RC1</c> -> <c>1.0.0rc1</c>) and ordered as pip orders versions. It is what becomes the
/// RUNTIME_VERSION build argument and a wheel's file name, so anything else (shell metacharacters, whitespace, quotes) is refused.
/// </summary>
public sealed partial class Pep440Version : IComparable<Pep440Version>, IEquatable<Pep440Version>
{
    // PEP 440's reference pattern (as in `packaging`) without the local segment; \A..\z so "1.0\n" cannot slip through.
    [GeneratedRegex("""
        \A v?
        (?:(?<epoch>[0-9]+)!)?
        (?<release>[0-9]+(?:\.[0-9]+)*)
        (?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?
        (?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?
        (?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?
        \z
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();

    private Pep440Version(long epoch, IReadOnlyList<long> release, string? preLabel, long? pre, long? post, long? dev)
    {
        Epoch = epoch;
        Release = release;
        PreLabel = preLabel;
        Pre = pre;
        Post = post;
        Dev = dev;
    }

    public long Epoch { get; }
    public IReadOnlyList<long> Release { get; }
    /// <summary>"a", "b" or "rc" (normalised), or null.</summary>
    public string? PreLabel { get; }
    public long? Pre { get; }
    public long? Post { get; }
    public long? Dev { get; }
    /// <summary>pip skips these unless asked (or unless nothing else exists).</summary>
    public bool IsPreRelease => PreLabel is not null || Dev is not null;

    public static Pep440Version Parse(string value, string parameterName = "--runtime-version") =>
        TryParse(value, out var version) ? version : throw new FleetException(NotAVersion(value, parameterName));

    /// <summary>The one-line refusal of a value that is not a PEP 440 public version.</summary>
    public static string NotAVersion(string value, string parameterName) =>
        $"{parameterName} '{Printable.Of(value)}' is not a PEP 440 public version (example: 1.2.3, 1.2.3rc1); nothing was run.";

    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Pep440Version? version)
    {
        version = null;
        if (string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return false;
        }
        var m = Pattern().Match(value);
        if (!m.Success)
        {
            return false;
        }
        var release = new List<long>();
        foreach (var part in m.Groups["release"].Value.Split('.'))
        {
            if (!TryNumber(part, out var n))
            {
                return false;
            }
            release.Add(n);
        }
        long epoch = 0, preN = 0, postN = 0, devN = 0;
        if ((m.Groups["epoch"].Success && !TryNumber(m.Groups["epoch"].Value, out epoch))
            || (m.Groups["pre_n"].Success && !TryNumber(m.Groups["pre_n"].Value, out preN))
            || (m.Groups["dev_n"].Success && !TryNumber(m.Groups["dev_n"].Value, out devN)))
        {
            return false;
        }
        var postText = m.Groups["post_n1"].Success ? m.Groups["post_n1"].Value : m.Groups["post_n2"].Value;
        if (postText.Length > 0 && !TryNumber(postText, out postN))
        {
            return false;
        }
        string? preLabel = m.Groups["pre_l"].Success
            ? m.Groups["pre_l"].Value.ToLowerInvariant() switch
            {
                "a" or "alpha" => "a",
                "b" or "beta" => "b",
                _ => "rc",
            }
            : null;
        version = new Pep440Version(
            epoch,
            release,
            preLabel,
            preLabel is null ? null : preN,
            m.Groups["post"].Success ? postN : null,
            m.Groups["dev"].Success ? devN : null);
        return true;
    }

    /// <summary>True for a version written exactly as its normal form (what a wheel's file name and a URL carry).</summary>
    public static bool IsCanonical(string? value) => TryParse(value, out var version) && version.ToString() == value;

    private static bool TryNumber(string digits, out long value) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    public override string ToString()
    {
        var text = new StringBuilder();
        if (Epoch != 0)
            text.Append(CultureInfo.InvariantCulture, $"{Epoch}!");
        text.AppendJoin('.', Release);
        if (PreLabel is not null)
            text.Append(CultureInfo.InvariantCulture, $"{PreLabel}{Pre}");
        if (Post is not null)
            text.Append(CultureInfo.InvariantCulture, $".post{Post}");
        if (Dev is not null)
            text.Append(CultureInfo.InvariantCulture, $".dev{Dev}");
        return text.ToString();
    }

    // pip's ordering (packaging's _cmpkey): a dev release of X sorts before X's pre-releases;
    // a final release sorts after its pre-releases; no post sorts before any post; no dev sorts after any dev.
    private (int Rank, long Number) PreKey => (PreLabel, Post, Dev) switch
    {
        (null, null, not null) => (-1, 0),
        (null, _, _) => (3, 0),
        ("a", _, _) => (0, Pre!.Value),
        ("b", _, _) => (1, Pre!.Value),
        _ => (2, Pre!.Value),
    };

    private IEnumerable<long> TrimmedRelease
    {
        get
        {
            var length = Release.Count;
            while (length > 1 && Release[length - 1] == 0)
                length--;
            return Release.Take(length);
        }
    }

    public int CompareTo(Pep440Version? other)
    {
        if (other is null)
            return 1;
        var c = Epoch.CompareTo(other.Epoch);
        if (c != 0)
        {
            return c;
        }
        for (var i = 0; i < Math.Max(Release.Count, other.Release.Count); i++)
        {
            c = (i < Release.Count ? Release[i] : 0).CompareTo(i < other.Release.Count ? other.Release[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }
        c = PreKey.CompareTo(other.PreKey);
        if (c != 0)
        {
            return c;
        }
        c = (Post ?? -1).CompareTo(other.Post ?? -1);
        return c != 0 ? c : (Dev ?? long.MaxValue).CompareTo(other.Dev ?? long.MaxValue);
    }

    public bool Equals(Pep440Version? other) => CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is Pep440Version other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        foreach (var n in TrimmedRelease)
            hash.Add(n);
        hash.Add(PreKey);
        hash.Add(Post);
        hash.Add(Dev);
        return hash.ToHashCode();
    }

    public static bool operator ==(Pep440Version? a, Pep440Version? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Pep440Version? a, Pep440Version? b) => !(a == b);
    public static bool operator <(Pep440Version a, Pep440Version b) => a.CompareTo(b) < 0;
    public static bool operator >(Pep440Version a, Pep440Version b) => a.CompareTo(b) > 0;
    public static bool operator <=(Pep440Version a, Pep440Version b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Pep440Version a, Pep440Version b) => a.CompareTo(b) >= 0;
}
