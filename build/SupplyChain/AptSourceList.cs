namespace TemplateFleet.SupplyChain;

/// <summary>One apt source: the archive, a suite, its components, and the options it was written with.</summary>
public sealed record AptSource(string Uri, string Suite, IReadOnlyList<string> Components, string? SignedBy)
{
    /// <summary>The one-line form apt reads from a sources.list.</summary>
    public string ToLine() =>
        $"deb {(SignedBy is null ? "" : $"[signed-by={SignedBy}] ")}{Uri} {Suite} {string.Join(' ', Components)}";
}

/// <summary>
/// The apt sources an image already uses (/etc/apt/sources.list and /etc/apt/sources.list.d/*.list|*.sources,
/// one-line and deb822 forms), and the security archive derived from them. Nothing here names a host:
/// the security archive is the image's own archive with Debian's layout ("…/debian" → "…/debian-security",
/// "&lt;suite&gt;" → "&lt;suite&gt;-security"), as Debian's own images spell it.
/// </summary>
public static class AptSourceList
{
    public static IReadOnlyList<AptSource> ParseOneLine(string text)
    {
        var sources = new List<AptSource>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal) && !line.StartsWith("deb\t", StringComparison.Ordinal))
                continue;
            var rest = line[3..].Trim();
            string? signedBy = null;
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']');
                if (close < 0)
                    continue;
                signedBy = rest[1..close].Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(o => o.StartsWith("signed-by=", StringComparison.Ordinal))?["signed-by=".Length..];
                rest = rest[(close + 1)..].Trim();
            }
            var parts = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3)
                sources.Add(new AptSource(parts[0], parts[1], parts[2..], signedBy));
        }
        return sources;
    }

    /// <summary>The deb822 form, read by the one deb822 reader of the build (<see cref="Tools.AptSources"/>): one
    /// source per URI and suite of every enabled binary stanza. An inline (multi-line) Signed-By key is left out.</summary>
    public static IReadOnlyList<AptSource> ParseDeb822(string text) =>
        Tools.AptSources.Parse(text, "deb822 sources")
            .Where(stanza => stanza.Types.Contains("deb"))
            .SelectMany(stanza => stanza.Uris.SelectMany(uri => stanza.Suites.Select(suite => new AptSource(
                uri, suite, stanza.Components, stanza.SignedBy is { } key && !key.Contains('\n') ? key : null))))
            .ToList();

    /// <summary>The security sources for <paramref name="suite"/> derived from the image's own sources, or a
    /// one-line reason why they cannot be derived.</summary>
    public static (IReadOnlyList<AptSource> Sources, string? Problem) SecurityFor(IReadOnlyList<AptSource> image, string suite)
    {
        var security = $"{suite}-security";
        var present = image.Where(s => s.Suite == security).ToList();
        if (present.Count > 0)
            return (present, null);
        var derived = image.Where(s => s.Suite == suite)
            .Select(s => DeriveSecurityUri(s.Uri) is { } uri ? s with { Uri = uri, Suite = security } : null)
            .OfType<AptSource>().Distinct().ToList();
        if (derived.Count > 0)
            return (derived, null);
        return ([], image.Count == 0
            ? "the image has no apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/)"
            : $"none of the image's apt sources is a Debian archive for {suite} whose path ends in /debian "
              + $"(it uses: {string.Join(", ", image.Select(s => $"{s.Suite}"))}); the security archive cannot be derived");
    }

    /// <summary>"http://mirror/debian" → "http://mirror/debian-security"; also snapshot layouts ("…/archive/debian/20250520T000000Z").</summary>
    public static string? DeriveSecurityUri(string uri)
    {
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            return null;
        var segments = parsed.AbsolutePath.Split('/');
        var index = Array.LastIndexOf(segments, "debian");
        if (index < 0)
            return null;
        segments[index] = "debian-security";
        var builder = new UriBuilder(parsed) { Path = string.Join('/', segments) };
        return builder.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.UriEscaped).TrimEnd('/');
    }
}
