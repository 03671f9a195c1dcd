using System.Security.Cryptography;
using System.Text;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Results;

namespace TemplateFleet.PullRequests;

/// <summary>
/// One template of a release, as its jobs' results tell it: what Publish recorded for it (when no job left a record, one
/// made here that says why), the pin it had before, its agent version, and both gates' results, read as they were written.
/// </summary>
public sealed record ReleasedTemplate(PublishResult Publish, Pin? OldPin, string AgentVersion, GateResult? Smoke, GateResult? T4)
{
    public string Template => Publish.Template;

    public bool Published => Publish.Status == PublishStatus.Published && Publish.Pin is not null;

    /// <summary>What the SBOMs say changed since the old pin; only for a published template.</summary>
    public string? SbomChange => Published ? Publish.SbomChange : null;

    /// <summary>Why it keeps its old pin; null when it was published.</summary>
    public string? KeptReason => Published ? null : Publish.Status == PublishStatus.Unchanged ? $"unchanged: {Publish.Reason}" : Publish.Reason;
}

/// <summary>A pin (or data) file for the pull request's branch: its path from the repository root ('/'-separated), its full
/// content, and, once <see cref="PinProposer"/> compared it with the base, its blob there (null: new on the branch).</summary>
public sealed record PinFileChange(string Path, string Content, string? BaseBlobSha = null)
{
    /// <summary>Git's object id of a file's content (SHA-1 of "blob &lt;size&gt;\0&lt;bytes&gt;"), as both forges report it per file.</summary>
    public static string BlobSha(string content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {Encoding.UTF8.GetByteCount(content)}\0"), .. Encoding.UTF8.GetBytes(content)]));
}

/// <summary>
/// What one release proposes, read from the results of its jobs (the pins job) or of this run (Cascade in one process),
/// never from logs: the base, every template with its pin or why it kept the old one, the pin files, and what does not
/// add up (two bases, two runtime versions) as warnings. It is the pull request: its <see cref="Key"/> (and so its
/// branch), title, body and files are read from it, and <see cref="PinProposer"/> writes them to the forge.
/// </summary>
public sealed record ReleaseProposal(
    ProposalKey Key,
    string RuntimePackage,
    Pep440Version RuntimeVersion,
    string? Revision,
    PublishResult? Base,
    IReadOnlyList<ReleasedTemplate> Templates,
    IReadOnlyList<string> Warnings) : IProposal
{
    /// <summary>Published pins, and unchanged ones (a pin equal to the base branch's changes nothing there; one this checkout
    /// published earlier for the version still belongs in its pull request): the base's first.</summary>
    public IReadOnlyList<PinFileChange> Files =>
    [
        .. new[] { Base }.Concat(Templates.Select(t => t.Publish))
            .Where(p => p is { Status: PublishStatus.Published or PublishStatus.Unchanged, Pin: not null })
            .Select(p => new PinFileChange(p!.PinFile, PinFile.Serialize(p.Pin!))),
    ];

    public bool PublishedAnything => Base?.Status == PublishStatus.Published || Templates.Any(t => t.Published);

    public string Title => Key.Kind == ProposalKind.Runtime
        ? $"Bump workspace runtime to {RuntimeVersion}"
        : $"Pin the images released from {Key.Version} (runtime {RuntimeVersion})";

    /// <param name="kind">What the pull request proposes: its key is read from the release (its runtime version, or its revision).</param>
    /// <param name="templates">The fleet's templates (the release covers all of them, whichever jobs ran).</param>
    /// <param name="pinsBefore">The repository's pins before the release (template name to pin, null: never published).</param>
    public static ReleaseProposal From(ProposalKind kind, FleetConfig config, IReadOnlyList<Template> templates, IReadOnlyList<ResultStore> stores, IReadOnlyDictionary<string, Pin?> pinsBefore)
    {
        var runs = stores.Select(s => s.Run).OfType<RunRecord>().ToList();
        var versions = runs.Select(r => r.RuntimeVersion).Distinct().ToList();
        if (versions.Count != 1)
            throw new FleetException(versions.Count == 0
                ? "no job left a run record (output/results/run.json): there is nothing to propose."
                : $"the jobs' results name {versions.Count} runtime versions ({string.Join(", ", versions)}): one release builds one runtime; the template jobs take the base job's runtime_version output.");

        var warnings = new List<string>();
        var bases = stores.Select(s => s.BasePublish).OfType<PublishResult>().ToList();
        var publishedBases = bases.Where(b => b is { Status: PublishStatus.Published, Pin: not null }).ToList();
        if (publishedBases.Select(b => b.Pin!.Digest).Distinct(StringComparer.Ordinal).Count() > 1)
            throw new FleetException($"two jobs published the base ({string.Join(", ", publishedBases.Select(b => b.Pin!.Reference))}): a release has one base; only the base job runs PublishBase with nothing given.");
        var @base = publishedBases.FirstOrDefault() ?? bases.FirstOrDefault(b => b.Status == PublishStatus.Unchanged && b.Pin is not null) ?? bases.FirstOrDefault();
        var releaseBase = @base?.Pin?.Reference;

        var released = new List<ReleasedTemplate>();
        foreach (var template in templates)
        {
            var name = template.Name;
            var pinFile = Path.GetRelativePath(Path.GetDirectoryName(config.TemplatesDirectory)!, PinFile.PathFor(template)).Replace('\\', '/');
            var found = stores.Select(s => (Store: s, Publish: s.Publish(name))).Where(f => f.Publish is not null).ToList();
            var published = found.Where(f => f.Publish!.Status == PublishStatus.Published).ToList();
            if (published.Select(f => f.Publish!.Pin?.Digest).Distinct(StringComparer.Ordinal).Count() > 1)
                throw new FleetException($"{name} was published by two jobs ({string.Join(", ", published.Select(f => f.Publish!.Pin?.Reference))}): one template job per template.");
            var (store, publish) = published.Count > 0 ? published[0] : found.Count > 0 ? found[0] : (null, null);
            if (publish is null)
            {
                // No job left a record: one made here says why; there are no gate results to read either.
                var built = stores.Select(s => s.Build(name)).OfType<BuildResult>().FirstOrDefault();
                var why = built?.Failure is { } failure ? $"its job stopped after BuildImage: {failure.Split('\n')[0]}" : "its job left no publish result (it failed or was cancelled before Publish; see its logs)";
                publish = new PublishResult(name, PublishStatus.NotPublished, why, null, pinFile, []);
            }
            else if (publish.Status == PublishStatus.Published && publish.Pin?.Base is { } from && releaseBase is not null && from.Reference != releaseBase)
                warnings.Add($"{name} was built FROM {from.Reference}, not this release's base {releaseBase}");
            released.Add(new ReleasedTemplate(publish, pinsBefore.GetValueOrDefault(name), template.Agent.Version, store?.Gate(GateLabels.Smoke, name), store?.Gate(GateLabels.T4, name)));
        }
        foreach (var warning in warnings)
            Log.Warning("Release: {Warning}", warning);

        var revision = runs.Select(r => r.Commit).FirstOrDefault(c => c is not null);
        // A cascade's pull request is its runtime version's; any other release (a push to main) gets its own, by revision.
        var key = kind == ProposalKind.Runtime ? ProposalKey.Runtime(versions[0])
            : ProposalKey.Release(revision is { Length: >= 12 } ? revision[..12] : revision ?? $"runtime-{versions[0]}");
        return new ReleaseProposal(key, runs[0].RuntimePackage, versions[0], revision, @base, released, warnings);
    }

    /// <summary>The pull request's description: a table per template, the kept ones with their reasons.</summary>
    public string RenderBody()
    {
        var text = new StringBuilder($"Runtime `{RuntimePackage}` **{RuntimeVersion}**{(Revision is { Length: > 0 } revision ? $", built from `{revision}`" : "")}.\n\n");
        AppendTemplates(text);
        return text.Append("\n<sub>Opened by the cascade and rewritten by every run for this version. The cascade leaves this pull request alone once a person closes it or commits to its branch.</sub>\n")
            .ToString();
    }

    /// <summary>The table per template, the pinned images, the kept ones with their reasons and what changed in the SBOMs.</summary>
    internal void AppendTemplates(StringBuilder text)
    {
        text.Append("| template | pin | agent | smoke | T4 | provisioner shape |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var t in Templates)
        {
            var pin = t.Published ? $"{Digest(t.OldPin?.Digest)} → {Digest(t.Publish.Pin!.Digest)}" : $"kept {Digest(t.OldPin?.Digest)}";
            var shape = t.T4?.Shape is { Length: > 0 } s ? s : "—";
            text.Append($"| {Cell(t.Template)} | {pin} | {Cell(t.AgentVersion)} | {t.Smoke?.Totals.ToString() ?? "—"} | {t.T4?.Totals.ToString() ?? "—"} | {Cell(shape)} |\n");
        }
        List("Pinned images:", t => t.Published ? $"`{t.Publish.Pin!.Reference}`" : null);
        List("Kept on their old pins (retried by the next run for this version):", t => t.KeptReason is { } reason ? Cell(reason) : null);
        List("What changed in the SBOM:", t => t.SbomChange is { Length: > 0 } change ? Cell(change) : null);

        // A list under its heading, one item per template that has one; nothing when none has.
        void List(string heading, Func<ReleasedTemplate, string?> item)
        {
            var lines = Templates.Select(t => item(t) is { } line ? $"- {Cell(t.Template)}: {line}\n" : null).OfType<string>().ToList();
            if (lines.Count > 0)
                text.Append($"\n{heading}\n").AppendJoin("", lines);
        }
    }

    // A digest in a table: the algorithm and 12 hex digits are enough to tell two apart; the list above has it whole.
    static string Digest(string? digest) => digest switch
    {
        null or "" => "(none)",
        _ when digest.IndexOf(':') is var i and > 0 && digest.Length > i + 13 => $"`{digest[..(i + 13)]}…`",
        _ => $"`{digest}`",
    };

    // A value may hold pipes or several lines; either would break the table row or the list item.
    internal static string Cell(string value) => value.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();
}
