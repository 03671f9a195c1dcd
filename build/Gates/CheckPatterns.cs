using System.Text.RegularExpressions;

namespace TemplateFleet.Gates;

/// <summary>Whether a command's output matches its check's expected pattern (placeholders already expanded
/// by <see cref="Fleet.CheckPlaceholders"/>).</summary>
public static class CheckPatterns
{
    /// <summary>null when <paramref name="text"/> matches; otherwise why not.</summary>
    public static string? Mismatch(string stream, string? expanded, string text)
    {
        if (expanded is null)
            return null;
        return Regex.IsMatch(text.TrimEnd('\n'), expanded, RegexOptions.Multiline, TimeSpan.FromSeconds(2))
            ? null
            : $"{stream} does not match /{expanded}/ (got: {Shorten(text)})";
    }

    static string Shorten(string s)
    {
        var t = s.Trim();
        return t.Length == 0 ? "nothing" : t.Length <= 200 ? t : t[..200] + "...";
    }
}
