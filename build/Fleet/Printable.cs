namespace TemplateFleet.Fleet;

/// <summary>How a value the user gave appears inside a one-line message.</summary>
public static class Printable
{
    /// <summary>The value as it may appear in one line of a message: control characters escaped, long values cut.</summary>
    public static string Of(string? value) => value is null ? "" : string.Concat((value.Length > 80 ? value[..80] : value).Select(c => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ when char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    })) + (value.Length > 80 ? "..." : "");
}
