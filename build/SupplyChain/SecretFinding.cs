using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>Where a secret finding was made.</summary>
public enum SecretSource { Layer, ImageConfig, Change }

/// <summary>
/// One credential-shaped string: where (a layer and file, a part of the image config, a file of the change),
/// which rule matched, and an excerpt that is masked twice (by the scanner, then by <see cref="Scrubber"/>).
/// It never holds the secret itself.
/// </summary>
/// <param name="Path">The file: absolute inside an image ("/etc/x.conf"), relative in the repository
/// ("templates/codex/Dockerfile"); null for the image config, which no suppression can cover.</param>
/// <param name="Location">How a person finds it: "layer 3/12 sha256:649af49c9e83 (RUN)", "image config: ENV GITHUB_TOKEN", "commit 1a2b3c4".</param>
public sealed partial record SecretFinding(
    SecretSource Source, string? Path, int Line, string Location, string Rule, string Title, string Severity, string Excerpt)
{
    public string Describe() =>
        $"{Location}{(Path is null ? "" : $" {Path}{(Line > 0 ? $":{Line}" : "")}")}: {Rule} ({Title}) `{Excerpt}`";

    /// <summary>The scanner's match with each masked run shortened and anything credential-shaped masked again.</summary>
    public static string MaskExcerpt(string match)
    {
        var text = Scrubber.MaskCredentialShaped(Stars().Replace(match.ReplaceLineEndings(" ").Trim(), Scrubber.Mask));
        if (text.Length > 100)
        {
            // 100 characters from 40 before the first mask (or from the start).
            var start = Math.Clamp(text.IndexOf(Scrubber.Mask, StringComparison.Ordinal) - 40, 0, text.Length - 100);
            text = (start > 0 ? "…" : "") + text.Substring(start, 100) + (start + 100 < text.Length ? "…" : "");
        }
        return text.Replace('`', '\'');
    }

    [GeneratedRegex(@"\*{3,}")]
    private static partial Regex Stars();
}
