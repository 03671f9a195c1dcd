namespace TemplateFleet.PackageIndex;

/// <summary>Orders release versions numerically by their dotted numeric prefix (1.10.0 after 1.9.0);
/// ties fall back to ordinal order. Enough to pick "latest" among development versions.</summary>
public sealed class VersionComparer : IComparer<string>
{
    public static readonly VersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = Numbers(x ?? "");
        var b = Numbers(y ?? "");
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var c = (i < a.Count ? a[i] : 0).CompareTo(i < b.Count ? b[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        return string.CompareOrdinal(x, y);
    }

    private static List<long> Numbers(string version) =>
        version.Split('.').Select(p => new string(p.TakeWhile(char.IsAsciiDigit).ToArray()))
            .TakeWhile(p => p.Length > 0).Select(long.Parse).ToList();
}
