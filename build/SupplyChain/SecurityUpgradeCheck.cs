using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Gates;

namespace TemplateFleet.SupplyChain;

/// <summary>An image's Debian suite, its own apt sources and the security sources derived from them.</summary>
public sealed record ImageAptSources(string Suite, IReadOnlyList<AptSource> Image, IReadOnlyList<AptSource> Security)
{
    /// <summary>The security sources as sources.list lines.</summary>
    public string SecurityList => string.Join("\n", Security.Select(s => s.ToLine())) + "\n";
}

/// <summary>The security upgrades an image lacks, against its own suite's security archive.</summary>
public sealed record SecurityUpgradeReport(string Template, string Suite, IReadOnlyList<PendingUpgrade> Pending, DateTimeOffset CheckedAt)
{
    public bool Passed => Pending.Count == 0;

    public string Summary() => Passed
        ? $"{Template}: no pending security upgrade ({Suite}-security)"
        : $"{Template}: {Pending.Count} pending security upgrade{(Pending.Count == 1 ? "" : "s")} from {Suite}-security: "
          + string.Join(", ", Pending.Take(12)) + (Pending.Count > 12 ? $", … ({Pending.Count - 12} more)" : "");

    public string Refusal() =>
        Summary() + ". The image must take its suite's security fixes when it is built (templates/base carries "
        + "the security and updates archives): rebuild the base (--no-cache) so it takes them.";
}

/// <summary>
/// Asks apt inside the image which security upgrades are pending: a throwaway container (root, host
/// network, like the build steps that reach the archive), the image's own sources plus the security archive
/// derived from them in a private list, `apt-get update` into a private lists folder, then `apt-get -s upgrade`
/// (a simulation: nothing is installed, and the container is removed).
/// </summary>
public sealed class SecurityUpgradeCheck(IDockerClient docker, string runId, TimeSpan? timeout = null)
{
    public const string Gate = "security";
    const string Work = "/tmp/fleet-security-check";
    readonly TimeSpan limit = timeout ?? TimeSpan.FromMinutes(5);

    public async Task<SecurityUpgradeReport> CheckAsync(string template, string image, CancellationToken ct)
    {
        await using var container = await StartAsync(template, image, ct);
        var sources = await ReadSourcesAsync(container, template, image, ct);
        var list = string.Join("\n", sources.Image.Concat(sources.Security).Distinct().Select(s => s.ToLine())) + "\n";
        var simulate = await container.Exec.RunAsync(["sh", "-c", SimulateScript, "check", list], "0", limit, ct, ["LANG=C", "DEBIAN_FRONTEND=noninteractive"]);
        if (!simulate.Succeeded)
        {
            var why = simulate.TimedOut ? $"timed out after {limit.TotalSeconds:0} s" : string.Join("\n", (simulate.Stdout + simulate.Stderr).Trim().Split('\n').TakeLast(6));
            throw new SupplyChainException($"{template}: apt could not check {image} against {sources.Suite}-security: {why}");
        }
        var pending = PendingUpgrade.ParseSimulation(simulate.Stdout);
        var report = new SecurityUpgradeReport(template, sources.Suite, pending, DateTimeOffset.UtcNow);
        Log.Information("{Summary}", report.Summary());
        return report;
    }

    /// <summary>The image's suite, its own apt sources and the security sources derived from them: what this check
    /// adds for apt, and what a Dockerfile that takes the security upgrades needs (as a build arg).</summary>
    public async Task<ImageAptSources> SourcesAsync(string template, string image, CancellationToken ct)
    {
        await using var container = await StartAsync(template, image, ct);
        return await ReadSourcesAsync(container, template, image, ct);
    }

    Task<GateContainer> StartAsync(string template, string image, CancellationToken ct) =>
        GateContainer.StartAsync(docker, new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["sleep"],
            Cmd = ["infinity"],
            User = "0",
            Labels = GateLabels.For(runId, Gate, template),
            HostConfig = new HostConfig { NetworkMode = "host" },
        }, ct);

    static async Task<ImageAptSources> ReadSourcesAsync(GateContainer container, string template, string image, CancellationToken ct)
    {
        var read = await container.Exec.RunAsync(["sh", "-c", ReadSourcesScript], "0", TimeSpan.FromSeconds(30), ct);
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

    // $1: the sources list. apt's own state is left alone: private list, lists folder and cache.
    const string SimulateScript = $"""
        set -e
        mkdir -p {Work}/lists/partial {Work}/cache/archives/partial
        printf '%s' "$1" > {Work}/sources.list
        set -- -o Dir::Etc::SourceList={Work}/sources.list -o Dir::Etc::SourceParts=/dev/null \
               -o Dir::State::Lists={Work}/lists -o Dir::Cache={Work}/cache -o APT::Get::List-Cleanup=false
        apt-get "$@" -qq update >&2
        apt-get "$@" -s upgrade
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
