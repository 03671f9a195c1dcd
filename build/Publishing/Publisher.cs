using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.Pins;
using TemplateFleet.Registry;
using TemplateFleet.Results;
using PublishStatus = TemplateFleet.Results.PublishStatus;

namespace TemplateFleet.Publishing;

/// <summary>
/// PublishBase and Publish: push an image, read the digest back from the registry, prove pull-by-digest works,
/// then pin that digest (with the release inputs) and record the result once. A template is
/// published only when it built and passed both gates FROM the published base; one whose inputs equal its pin's
/// is unchanged and not pushed again. A failure leaves that image's old pin untouched.
/// </summary>
public sealed partial class Publisher(RunContext context, IReadOnlyList<IPinContributor>? contributors = null)
{
    private readonly IDockerClient docker = context.Engine.Client;
    private readonly IReadOnlyList<IPinContributor> contributors = contributors ?? [];

    /// <summary>PublishBase: pushes and pins the base BuildBase built; a base that came from a registry stays as it is.</summary>
    public async Task<PublishResult> PublishBaseAsync(FleetRun run, ResultStore results, PublishOptions options, CancellationToken ct)
    {
        var config = run.Config;
        var @base = results.Base;
        if (@base is not { Succeeded: true })
            throw new FleetException($"PublishBase: {Record(PublishStatus.NotPublished, $"the base was not built: {@base?.Failure?.Split('\n')[0] ?? "BuildBase did not run"}").Reason}");
        if (@base.Status == BaseStatus.Pulled)
        {
            // Published already: by an earlier run (its pin) or by this release's base job (--base-image).
            var standing = PinFile.ReadIfExists(PinFile.PathForBase(config)) is { } pin && pin.Reference == @base.Reference ? pin : null;
            var unchanged = Record(PublishStatus.Unchanged, $"already published: {@base.Reference} (from {@base.Origin})", standing);
            Log.Information("PublishBase: {Reason}", unchanged.Reason);
            return unchanged;
        }

        using var registry = new OpenRegistry(options);
        try
        {
            var published = await PushAndPinAsync(run, registry, config.Base.Folder, @base.ImageId!, config.Base.Image, ReleaseInputs.Short(@base.Inputs!), PinFile.PathForBase(config),
                (image, digest) => new Pin
                {
                    Template = config.Base.Folder,
                    Image = image,
                    Digest = digest,
                    Inputs = @base.Inputs,
                    OsImage = @base.OsImage,
                    Upstream = KeepCurrent.UpstreamInputs.BaseVersions(config),
                    Revision = context.Revision.Commit ?? "unknown",
                    PublishedAt = Now(),
                }, ct);
            results.WriteBasePublish(published);
            Log.Information("PublishBase: published {Reference}; templates build FROM it", published.Pin!.Reference);
            return published;
        }
        catch (Exception e) when (IsPublishFailure(e, ct))
        {
            throw new FleetException($"PublishBase: the base was not published, so no template can be: {Record(PublishStatus.Failed, Reason(e)).Reason}");
        }

        // The base's result, written once: every way out of PublishBase leaves one.
        PublishResult Record(PublishStatus status, string reason, Pin? pin = null)
        {
            var result = new PublishResult(config.Base.Folder, status, reason, pin, Relative(PinFile.PathForBase(config)), []);
            results.WriteBasePublish(result);
            return result;
        }
    }

    /// <summary>Publish: every template of the run, each result written once; throws after all were tried when any failed (options.FailOnError).</summary>
    public async Task<IReadOnlyList<PublishResult>> PublishAsync(FleetRun run, ResultStore results, PublishOptions options, CancellationToken ct)
    {
        if (context.Revision.Commit is null)
            Log.Warning("No git revision is known: images get only the runtime-version tag and pins say revision 'unknown'.");
        using var registry = new OpenRegistry(options);

        var outcomes = new List<PublishResult>();
        foreach (var template in run.Templates)
        {
            ct.ThrowIfCancellationRequested();
            var outcome = await PublishTemplateAsync(run, template, results, registry, ct);
            results.Write(outcome);
            outcomes.Add(outcome);
        }

        var failed = outcomes.Where(o => o.Status == PublishStatus.Failed).ToList();
        if (options.FailOnError && failed.Count > 0)
        {
            var published = outcomes.Where(o => o.Status == PublishStatus.Published).Select(o => o.Template).ToList();
            throw new FleetException("Publish failed for "
                + string.Join("; ", failed.Select(t => $"{t.Template}: {t.Reason}"))
                + (published.Count > 0 ? $" (published: {string.Join(", ", published)})" : ""));
        }
        return outcomes;
    }

    /// <summary>One template's outcome: unchanged since its pin, not eligible, published, or failed (its old pin kept); an
    /// engine that stopped answering ends Publish.</summary>
    async Task<PublishResult> PublishTemplateAsync(FleetRun run, Template template, ResultStore results, OpenRegistry registry, CancellationToken ct)
    {
        var pinFile = Relative(PinFile.PathFor(template));
        var build = results.Build(template.Name);
        if (build?.Status == BuildStatus.Unchanged)
        {
            var pin = PinFile.ReadIfExists(PinFile.PathFor(template));
            var unchanged = new PublishResult(template.Name, PublishStatus.Unchanged, $"unchanged since its pin (inputs {ReleaseInputs.Short(build.Inputs!)})", pin, pinFile, []);
            Log.Information("{Template}: not published again: {Reason}", template.Name, unchanged.Reason);
            return unchanged;
        }
        var smoke = results.Gate(Gates.GateLabels.Smoke, template.Name);
        var t4 = results.Gate(Gates.GateLabels.T4, template.Name);
        if ((PublishEligibility.Check(build, smoke, t4, results.Gate(Gates.TemplateTestGate.Gate, template.Name), Gates.TemplateTestGate.Applies(run.Config, template))
                ?? (PinnedImage.Parse(build!.Base ?? "") is null ? $"built FROM a base that is not published ({build.Base}): {results.BasePublish?.Reason ?? "PublishBase did not run"}" : null)) is { } why)
        {
            Log.Warning("{Template}: not published: {Reason}", template.Name, why);
            return new PublishResult(template.Name, PublishStatus.NotPublished, why, null, pinFile, []);
        }

        try
        {
            var imageId = build!.ImageId!;
            var labels = (await docker.Images.InspectImageAsync(imageId, ct)).Config?.Labels ?? new Dictionary<string, string>();
            // the run says development packages went in even if a label went missing: trust the stricter one
            if (PublishEligibility.DevelopmentRefusal(template.Name, labels, registry.Host.ToString(), run.DevelopmentPackages) is { } refusal)
                throw new FleetException(refusal);
            var published = await PushAndPinAsync(run, registry, template.Name, imageId, run.Config.Images.RepositoryOf(template.Name), run.RuntimeVersion.ToString(), PinFile.PathFor(template),
                (target, digest) => new Pin
                {
                    Template = template.Name,
                    Image = target,
                    Digest = digest,
                    Inputs = build.Inputs,
                    Base = PinnedImage.Parse(build.Base!),
                    OsImage = labels.TryGetValue(Labels.OsSource, out var os) ? os : null,
                    RuntimeVersion = run.RuntimeVersion,
                    AgentVersion = template.Agent.Version,
                    Revision = context.Revision.Commit ?? "unknown",
                    Gates = new PinGates(smoke!.Totals, t4!.Totals, t4.Shape),
                    PublishedAt = Now(),
                }, ct);
            Log.Information("{Template}: published {Reference}", template.Name, published.Pin!.Reference);
            return published;
        }
        catch (Exception e) when (IsPublishFailure(e, ct))
        {
            // An engine that stopped answering fails the rest the same way: stop here, with one line.
            if (EngineConnection.IsConnectionFailure(e) && !await context.Engine.AnswersAsync())
            {
                results.Write(new PublishResult(template.Name, PublishStatus.Failed, "the engine stopped answering", null, pinFile, []));
                throw EngineConnection.Lost(context.Engine.Endpoint, "Publish", e);
            }
            Log.Error("{Template}: not published, old pin kept: {Reason}", template.Name, Reason(e));
            return new PublishResult(template.Name, PublishStatus.Failed, Reason(e), null, pinFile, []);
        }
    }

    /// <summary>The registry Publish pushes to, its Distribution API client and the engine's auth for it.</summary>
    sealed record OpenRegistry(RegistryHost Host, RegistryCredentials Login) : IDisposable
    {
        public OpenRegistry(PublishOptions options) : this(RegistryHost.Parse(options.Registry.Address), options.Registry) { }

        public RegistryClient Client { get; } = new(Host, Login.Username, Login.Password);

        public void Dispose() => Client.Dispose();
    }

    /// <summary>One image, base or template: the contributors' checks, a push under <paramref name="tag"/> (and the
    /// commit), the digest read back and pulled by it, the contributors' record, the pin written, what changed described.</summary>
    async Task<PublishResult> PushAndPinAsync(FleetRun run, OpenRegistry registry, string name, string imageId, string repository, string tag, string pinPath,
        Func<string, string, Pin> pinFor, CancellationToken ct)
    {
        var target = $"{registry.Host}/{repository}";
        // Before anything is pushed: the versions this pin would record against the pin it replaces (the digest plays no part).
        var inputs = KeepCurrent.UpstreamInputs.Of(run.Config, run.Templates);
        var previous = PinFile.ReadIfExists(pinPath);
        PinFile.CheckOrder(Relative(pinPath), previous, pinFor(target, "sha256:" + new string('0', 64)), n => inputs.FirstOrDefault(i => i.Name == n)?.Scheme);
        // The contributors' checks (the supply chain's gate): a throw refuses the image before anything is pushed.
        foreach (var contributor in contributors)
            await contributor.BeforePushAsync(name, imageId, ct);
        List<string> tags = context.Revision.Commit is { Length: > 0 } sha ? [TagFor(tag), TagFor(sha)] : [TagFor(tag)];
        var digest = await PushAsync(name, imageId, target, repository, tags, registry.Login.Auth, registry.Client, ct);

        // What the fleet pulls must be the image that passed the gates.
        var reference = $"{target}@{digest}";
        var progress = new StreamProgress("pull", reference);
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference }, registry.Login.Auth, progress, ct);
        if (progress.Error is { } error)
            throw new FleetException($"{name}: pull by digest {reference} failed: {error}{ImagePull.Hint(error)}");
        var pulled = await docker.Images.InspectImageAsync(reference, ct);
        if (pulled.ID != imageId && pulled.ID != (await docker.Images.InspectImageAsync(imageId, ct)).ID)
            throw new FleetException($"{name}: {reference} resolves to image {pulled.ID}, not the image that passed the gates ({imageId}).");

        var pin = pinFor(target, digest);
        foreach (var contributor in contributors)
            pin = await contributor.ContributeAsync(pin, imageId, ct);
        PinFile.Write(pinPath, pin);
        var changes = new List<string>();
        foreach (var describer in contributors)
        {
            try
            {
                if (await describer.DescribeChangeAsync(previous, pin, imageId, ct) is { Length: > 0 } line)
                    changes.Add(line);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The image is pushed and pinned by now: a line it cannot write must not turn that into a failure.
                Log.Warning("{Template}: what changed since the old pin could not be described: {Reason}", pin.Template, Reason(e));
                changes.Add($"what changed could not be described ({Reason(e).Split('\n')[0]})");
            }
        }
        return new PublishResult(name, PublishStatus.Published, "published", pin, Relative(pinPath), [.. tags.Select(t => $"{target}:{t}")],
            changes.Count == 0 ? null : string.Join("; ", changes));
    }

    /// <summary>Pushes every tag; they must all name one digest, and the registry must serve it. Returns that digest.</summary>
    async Task<string> PushAsync(string name, string imageId, string target, string repository, IReadOnlyList<string> tags, AuthConfig auth, RegistryClient client, CancellationToken ct)
    {
        string? digest = null;
        foreach (var tag in tags)
        {
            await docker.Images.TagImageAsync(imageId, new ImageTagParameters { RepositoryName = target, Tag = tag, }, ct);
            Log.Information("Pushing {Reference}", $"{target}:{tag}");
            var progress = new StreamProgress("push", $"{target}:{tag}");
            await docker.Images.PushImageAsync(target, new ImagePushParameters { Tag = tag }, auth, progress, ct);
            if (progress.Error is { } error)
                throw new FleetException($"push of {target}:{tag} failed: {error}{ImagePull.Hint(error)}");
            // Engines with the containerd store report the digest in a status line only; the registry is asked in any case.
            var served = await client.GetManifestDigestAsync(repository, tag, ct);
            var pushed = progress.Digest ?? served;
            if (digest is not null && pushed != digest)
                throw new FleetException($"{name}: {target}:{tag} was pushed as {pushed}, but {target}:{tags[0]} as {digest}; the image changed during publish.");
            if (served != pushed)
                throw new FleetException($"{name}: the push of {target}:{tag} reported {pushed}, but the registry serves {served}.");
            digest = pushed;
        }
        return digest!;
    }

    // Whole seconds, as the pin file holds it: the result's pin equals the one on disk.
    static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    string Relative(string path) => Path.GetRelativePath(context.Paths.Root, path).Replace('\\', '/');

    static bool IsPublishFailure(Exception e, CancellationToken ct) =>
        e is FleetException or DockerApiException or HttpRequestException or IOException or TimeoutException && !ct.IsCancellationRequested;

    static string Reason(Exception e) => e switch
    {
        DockerApiException api => $"engine error: {api.ResponseBody?.Trim() ?? api.Message}",
        FleetException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>Docker tags allow [A-Za-z0-9_.-], up to 128 characters; a PEP 440 local version ("1.0+dev") has a '+'.</summary>
    internal static string TagFor(string value) => new([.. InvalidTagCharacters().Replace(value, "-").Take(128)]);

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex InvalidTagCharacters();
}
