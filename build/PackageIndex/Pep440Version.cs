using System.Globalization;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// A PEP 440 public version (epoch, release, pre, post, dev; no local "+..." part), normalised
/// (<c>V1.0.0RC1</c> -> <c>1.0.0rc1</c>) and ordered as pip orders versions. It is what becomes the
/// RUNTIME_VERSION build argument and a wheel's file name, so anything else (shell metacharacters, whitespace, quotes) is refused.
/// </summary>
/// <param name="PreLabel">"a", "b" or "rc" (normalised), or null.</param>
public sealed partial record Pep440Version(long Epoch, IReadOnlyList<long> Release, string? PreLabel, long? Pre, long? Post, long? Dev) : IComparable<Pep440Version>
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
        var m = string.IsNullOrEmpty(value) || value.Length > 200 ? null : Pattern().Match(value);
        // The pattern admits any run of digits: a number beyond a long refuses the version.
        var release = m is { Success: true } ? m.Groups["release"].Value.Split('.') : [];
        if (m is not { Success: true } || release.Concat(new[] { "epoch", "pre_n", "post_n1", "post_n2", "dev_n" }.Select(g => m.Groups[g].Value).Where(n => n.Length > 0)).Any(n => Number(n) is null))
            return false;
        long Group(string name) => Number(m.Groups[name].Value) ?? 0;
        string? preLabel = m.Groups["pre_l"].Value.ToLowerInvariant() switch
        {
            "" => null,
            "a" or "alpha" => "a",
            "b" or "beta" => "b",
            _ => "rc",
        };
        version = new Pep440Version(Group("epoch"), [.. release.Select(r => Number(r)!.Value)], preLabel, preLabel is null ? null : Group("pre_n"),
            m.Groups["post"].Success ? Group(m.Groups["post_n1"].Success ? "post_n1" : "post_n2") : null, m.Groups["dev"].Success ? Group("dev_n") : null);
        return true;
    }

    /// <summary>True for a version written exactly as its normal form (what a wheel's file name and a URL carry).</summary>
    public static bool IsCanonical(string? value) => TryParse(value, out var version) && version.ToString() == value;

    private static long? Number(string digits) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Epoch != 0 ? $"{Epoch}!" : "")}{string.Join('.', Release)}{PreLabel}{Pre}{(Post is null ? "" : $".post{Post}")}{(Dev is null ? "" : $".dev{Dev}")}");

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

    // Trailing zeros of the release do not count (1.0 == 1.0.0), and what follows it orders as pip orders it.
    private long[] TrimmedRelease => [.. Release.Reverse().SkipWhile(n => n == 0).Reverse()];
    private (int, long, long, long) Suffix => (PreKey.Rank, PreKey.Number, Post ?? -1, Dev ?? long.MaxValue);

    public int CompareTo(Pep440Version? other) => other is null ? 1
        : Epoch != other.Epoch ? Epoch.CompareTo(other.Epoch)
        : ((ReadOnlySpan<long>)TrimmedRelease).SequenceCompareTo(other.TrimmedRelease) is var c and not 0 ? c
        : Suffix.CompareTo(other.Suffix);

    public bool Equals(Pep440Version? other) => CompareTo(other) == 0;

    public override int GetHashCode() => HashCode.Combine(Epoch, string.Join('.', TrimmedRelease), Suffix);
}
