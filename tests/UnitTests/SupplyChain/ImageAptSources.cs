using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Gates;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

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

    /// <summary>The deb822 form, read by the one deb822 reader of the build (<see cref="TemplateFleet.Tools.AptSources"/>): one
    /// source per URI and suite of every enabled binary stanza. An inline (multi-line) Signed-By key is left out.</summary>
    public static IReadOnlyList<AptSource> ParseDeb822(string text) =>
        TemplateFleet.Tools.AptSources.Parse(text, "deb822 sources")
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
            .Select(s => SecurityArchive.DeriveSecurityUri(s.Uri) is { } uri ? s with { Uri = uri, Suite = security } : null)
            .OfType<AptSource>().Distinct().ToList();
        if (derived.Count > 0)
            return (derived, null);
        return ([], image.Count == 0
            ? "the image has no apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/)"
            : $"none of the image's apt sources is a Debian archive for {suite} whose path ends in /debian "
              + $"(it uses: {string.Join(", ", image.Select(s => $"{s.Suite}"))}); the security archive cannot be derived");
    }
}

/// <summary>An image's Debian suite, its own apt sources and the security sources derived from them.</summary>
public sealed record ImageAptSources(string Suite, IReadOnlyList<AptSource> Image, IReadOnlyList<AptSource> Security)
{
    /// <summary>The security sources as sources.list lines.</summary>
    public string SecurityList => string.Join("\n", Security.Select(s => s.ToLine())) + "\n";
}

/// <summary>
/// Reads an image's own apt sources and the security sources derived from them, in a throwaway container
/// (what a Dockerfile that takes the security upgrades needs as a build arg).
/// </summary>
public static class ImageAptSourcesReader
{
    public const string Gate = "apt-sources";

    /// <summary>The image's suite, its own apt sources and the security sources derived from them.</summary>
    public static async Task<ImageAptSources> ReadAsync(IDockerClient docker, string runId, string template, string image, CancellationToken ct)
    {
        await using var container = await GateContainer.StartAsync(docker, new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["sleep"],
            Cmd = ["infinity"],
            User = "0",
            Labels = GateLabels.For(runId, Gate, template),
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, ct);
        var read = await container.RunAsync(["sh", "-c", ReadSourcesScript], "0", TimeSpan.FromSeconds(30), ct);
        if (!read.Succeeded)
            throw new SupplyChainException($"{template}: cannot read the apt sources of {image}: {read.Stderr.Trim()}");
        var (suite, sources) = ParseSourcesDump(read.Stdout);
        if (suite is null)
            throw new SupplyChainException($"{template}: {image} has no VERSION_CODENAME in /etc/os-release; cannot tell its Debian suite.");
        var (security, problem) = AptSourceList.SecurityFor(sources, suite);
        if (problem is not null)
            throw new SupplyChainException($"{template}: {image}: {problem}.");
        return new ImageAptSources(suite, sources, security);
    }

    // Every sources file with a header line, then the suite.
    const string ReadSourcesScript = """
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
          [ -f "$f" ] || continue
          printf '==> %s\n' "$f"; cat "$f"; printf '\n'
        done
        . /etc/os-release 2>/dev/null && printf '==> codename\n%s\n' "${VERSION_CODENAME:-}"
        """;

    internal static (string? Suite, IReadOnlyList<AptSource> Sources) ParseSourcesDump(string dump)
    {
        string? suite = null;
        var sources = new List<AptSource>();
        foreach (var section in dump.Split("==> ", StringSplitOptions.RemoveEmptyEntries))
        {
            var newline = section.IndexOf('\n');
            var name = (newline < 0 ? section : section[..newline]).Trim();
            var body = newline < 0 ? "" : section[(newline + 1)..];
            if (name == "codename")
                suite = body.Trim() is { Length: > 0 } codename ? codename : null;
            else if (name.EndsWith(".sources", StringComparison.Ordinal))
                sources.AddRange(AptSourceList.ParseDeb822(body));
            else
                sources.AddRange(AptSourceList.ParseOneLine(body));
        }
        return (suite, sources);
    }
}
