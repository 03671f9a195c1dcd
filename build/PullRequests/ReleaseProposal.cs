using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Pins;
using TemplateFleet.Results;

namespace TemplateFleet.PullRequests;

/// <summary>One template of a release, as its jobs' results tell it.</summary>
/// <param name="Status">Null: no job left a publish result for it (its job failed or was cancelled before Publish).</param>
/// <param name="Pin">The pin Publish wrote, or the one that stands (unchanged); null otherwise.</param>
/// <param name="OldPin">The pin in the repository before this release.</param>
public sealed record ReleasedTemplate(
    string Template,
    PublishStatus? Status,
    string Reason,
    Pin? Pin,
    string PinFile,
    Pin? OldPin,
    string AgentVersion,
    GateResult? Smoke,
    GateResult? T4,
    string? SbomChange = null)
{
    public bool Published => Status == PublishStatus.Published && Pin is not null;
}

/// <summary>A pin file for the pull request: its path from the repository root ('/'-separated) and its full content.</summary>
public sealed record ReleasedPin(string Path, string Content);

/// <summary>
/// What one release published, read from the results of its jobs (the pins job) or of this run (Cascade in one
/// process), never from logs: the base, every template with its pin or why it kept the old one, the pin files to
/// propose, and what does not add up (two bases, two runtime versions) as warnings.
/// </summary>
public sealed record ReleaseProposal(
    string RuntimePackage,
    string RuntimeVersion,
    string? Revision,
    PublishResult? Base,
    IReadOnlyList<ReleasedTemplate> Templates,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Published pins, and unchanged ones (a pin equal to the base branch's changes nothing there; one this checkout
    /// published earlier for the version still belongs in its pull request): the base's first.</summary>
    public IReadOnlyList<ReleasedPin> Files =>
    [
        .. (Base is { Status: PublishStatus.Published or PublishStatus.Unchanged, Pin: { } basePin } ? [new ReleasedPin(Base.PinFile, Pins.PinFile.Serialize(basePin))] : Array.Empty<ReleasedPin>()),
        .. Templates.Where(t => t.Pin is not null && t.Status is PublishStatus.Published or PublishStatus.Unchanged)
            .Select(t => new ReleasedPin(t.PinFile, Pins.PinFile.Serialize(t.Pin!))),
    ];

    public bool PublishedAnything => Base?.Status == PublishStatus.Published || Templates.Any(t => t.Published);

    /// <param name="templates">The fleet's templates (the release covers all of them, whichever jobs ran).</param>
    /// <param name="pinsBefore">The repository's pins before the release (template name to pin, null: never published).</param>
    public static ReleaseProposal From(FleetConfig config, IReadOnlyList<Template> templates, IReadOnlyList<ResultStore> stores, IReadOnlyDictionary<string, Pin?> pinsBefore)
    {
        var runs = stores.Select(s => s.Run).OfType<RunRecord>().ToList();
        var versions = runs.Select(r => r.RuntimeVersion).Distinct(StringComparer.Ordinal).ToList();
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
            var agent = template.Agent.Version;
            var pinFile = Path.GetRelativePath(Path.GetDirectoryName(config.TemplatesDirectory)!, Pins.PinFile.PathFor(template)).Replace('\\', '/');
            var found = stores.Select(s => (Store: s, Publish: s.Publish(name))).Where(f => f.Publish is not null).ToList();
            var published = found.Where(f => f.Publish!.Status == PublishStatus.Published).ToList();
            if (published.Select(f => f.Publish!.Pin?.Digest).Distinct(StringComparer.Ordinal).Count() > 1)
                throw new FleetException($"{name} was published by two jobs ({string.Join(", ", published.Select(f => f.Publish!.Pin?.Reference))}): one template job per template.");
            var (store, publish) = published.Count > 0 ? published[0] : found.Count > 0 ? found[0] : (null, null);
            if (publish is null)
            {
                var built = stores.Select(s => s.Build(name)).OfType<BuildResult>().FirstOrDefault();
                var why = built?.Failure is { } failure ? $"its job stopped after BuildImage: {failure.Split('\n')[0]}" : "its job left no publish result (it failed or was cancelled before Publish; see its logs)";
                released.Add(new ReleasedTemplate(name, null, why, null, pinFile, pinsBefore.GetValueOrDefault(name), agent, null, null));
                continue;
            }
            var pin = publish.Pin;
            if (publish.Status == PublishStatus.Published && pin?.Base is { } from && releaseBase is not null && from.Reference != releaseBase)
                warnings.Add($"{name} was built FROM {from.Reference}, not this release's base {releaseBase}");
            released.Add(new ReleasedTemplate(name, publish.Status, publish.Reason, pin, publish.PinFile, pinsBefore.GetValueOrDefault(name), agent,
                store!.Gate(GateLabels.Smoke, name), store.Gate(GateLabels.T4, name), publish.Status == PublishStatus.Published ? publish.SbomChange : null));
        }
        foreach (var warning in warnings)
            Log.Warning("Release: {Warning}", warning);

        var first = runs[0];
        return new ReleaseProposal(first.RuntimePackage, versions[0], runs.Select(r => r.Commit).FirstOrDefault(c => c is not null), @base, released, warnings);
    }
}
