using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;

namespace TemplateFleet.Publishing;

/// <summary>Publish: push each template that passed both gates, read the digest back from the registry,
/// prove pull-by-digest works, then pin that digest. A failure leaves that template's old pin untouched.</summary>
public sealed partial class Publisher(RunContext context, HttpMessageHandler? registryHandler = null)
{
    private readonly IDockerClient docker = context.Engine.Client;

    public async Task<PublishReport> PublishAsync(FleetRun run, PublishOptions options, CancellationToken ct)
    {
        var registry = RegistryHost.Parse(options.Registry ?? run.Config.Images.Registry).ToString();
        var runtimeVersion = run.RuntimeVersion.ToString();
        if (context.Revision.Commit is null)
            Log.Warning("No git revision is known: images get only the runtime-version tag and pins say revision 'unknown'.");

        var auth = options.Username is null ? new AuthConfig() : new AuthConfig
        {
            Username = options.Username,
            Password = options.Password,
            ServerAddress = registry,
        };
        using var client = new RegistryClient(RegistryHost.Parse(registry), options.Username, options.Password, options.PlainHttp, registryHandler);

        foreach (var template in run.Templates)
        {
            ct.ThrowIfCancellationRequested();
            if (PublishEligibility.Check(template) is { } why)
            {
                template.Publish = new PublishResult(PublishOutcome.NotPublished, why);
                Log.Warning("{Template}: not published: {Reason}", template.Name, why);
                continue;
            }
            try
            {
                template.Publish = await PublishOneAsync(run, template, registry, runtimeVersion, auth, client, ct);
                Log.Information("{Template}: published {Image}@{Digest}", template.Name, template.Publish.Image, template.Publish.Digest);
            }
            catch (Exception e) when (e is FleetException or DockerApiException or HttpRequestException or IOException or TimeoutException
                                       && !ct.IsCancellationRequested)
            {
                // An engine that stopped answering fails the rest the same way: stop here, with one line.
                if (EngineConnection.IsConnectionFailure(e) && !await context.Engine.AnswersAsync())
                {
                    template.Publish = new PublishResult(PublishOutcome.Failed, "the engine stopped answering");
                    throw EngineConnection.Lost(context.Engine.Endpoint, "Publish", e);
                }
                var reason = e switch
                {
                    DockerApiException api => $"engine error: {api.ResponseBody?.Trim() ?? api.Message}",
                    FleetException => e.Message,
                    _ => $"{e.GetType().Name}: {e.Message}",
                };
                template.Publish = new PublishResult(PublishOutcome.Failed, reason);
                Log.Error("{Template}: not published, old pin kept: {Reason}", template.Name, reason);
            }
        }

        var report = new PublishReport(registry, run.Templates);
        if (options.FailOnError && report.Failed.Any())
        {
            throw new FleetException("Publish failed for "
                + string.Join("; ", report.Failed.Select(t => $"{t.Name}: {t.Publish!.Reason}"))
                + (report.Published.Any() ? $" (published: {string.Join(", ", report.Published.Select(t => t.Name))})" : ""));
        }
        return report;
    }

    async Task<PublishResult> PublishOneAsync(FleetRun run, TemplateRun template, string registry, string runtimeVersion,
        AuthConfig auth, RegistryClient client, CancellationToken ct)
    {
        var image = await docker.Images.InspectImageAsync(template.ImageId!, ct);
        var labels = image.Config?.Labels ?? new Dictionary<string, string>();
        if (run.DevelopmentPackages && !DevelopmentImagePolicy.IsDevelopmentImage(labels))
        {
            // the run says development packages went in even if a label went missing: trust the stricter one
            labels = new Dictionary<string, string>(labels) { [Labels.DevelopmentPackages] = "true" };
        }
        if (DevelopmentImagePolicy.RefusalReason(template.Name, labels, registry) is { } refusal)
            throw new FleetException(refusal);

        var repository = run.Config.Images.RepositoryOf(template.Name);
        var target = $"{registry}/{repository}";
        var tags = new List<string> { TagFor(runtimeVersion) };
        if (context.Revision.Commit is { Length: > 0 } sha)
            tags.Add(TagFor(sha));

        string? digest = null;
        foreach (var tag in tags)
        {
            await docker.Images.TagImageAsync(template.ImageId!, new ImageTagParameters { RepositoryName = target, Tag = tag, }, ct);
            var pushed = await PushAsync(target, tag, auth, ct);
            if (digest is not null && pushed != digest)
                throw new FleetException($"{template.Name}: {target}:{tag} was pushed as {pushed}, but {target}:{tags[0]} as {digest}; the image changed during publish.");
            digest = pushed;

            var served = await client.GetManifestDigestAsync(repository, tag, ct);
            if (served != pushed)
                throw new FleetException($"{template.Name}: the push of {target}:{tag} reported {pushed}, but the registry serves {served}.");
        }

        await VerifyPullByDigestAsync(template, target, digest!, auth, ct);

        var pinFile = PinFile.PathFor(template.Template);
        PinFile.Write(pinFile, new Pin(target, digest!, runtimeVersion, context.Revision.Commit ?? "unknown", DateTimeOffset.UtcNow));
        return new PublishResult(PublishOutcome.Published, "published")
        {
            Image = target,
            Digest = digest,
            Tags = tags.Select(t => $"{target}:{t}").ToList(),
            PinFile = pinFile,
        };
    }

    async Task<string> PushAsync(string target, string tag, AuthConfig auth, CancellationToken ct)
    {
        Log.Information("Pushing {Reference}", $"{target}:{tag}");
        var progress = new StreamProgress("push", $"{target}:{tag}");
        await docker.Images.PushImageAsync(target, new ImagePushParameters { Tag = tag }, auth, progress, ct);
        if (progress.Error is { } error)
            throw new FleetException($"push of {target}:{tag} failed: {error}{Hint(error)}");
        return progress.Digest ?? throw new FleetException($"push of {target}:{tag} finished without reporting a digest.");
    }

    async Task VerifyPullByDigestAsync(TemplateRun template, string target, string digest, AuthConfig auth, CancellationToken ct)
    {
        var reference = $"{target}@{digest}";
        var progress = new StreamProgress("pull", reference);
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference }, auth, progress, ct);
        if (progress.Error is { } error)
            throw new FleetException($"{template.Name}: pull by digest {reference} failed: {error}{Hint(error)}");
        var pulled = await docker.Images.InspectImageAsync(reference, ct);
        if (pulled.ID != template.ImageId && pulled.ID != (await docker.Images.InspectImageAsync(template.ImageId!, ct)).ID)
            throw new FleetException($"{template.Name}: {reference} resolves to image {pulled.ID}, not the image that passed the gates ({template.ImageId}).");
    }

    static string Hint(string error) =>
        error.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) || error.Contains("authentication required", StringComparison.OrdinalIgnoreCase)
            ? ". Check the registry username and password parameters."
            : error.Contains("connection refused", StringComparison.OrdinalIgnoreCase)
                ? ". Is a registry listening there? Check the registry parameter (the default is fleet.yaml images.registry)."
                : "";

    /// <summary>Docker tags allow [A-Za-z0-9_.-], up to 128 characters; a PEP 440 local version ("1.0+dev") has a '+'.</summary>
    internal static string TagFor(string value)
    {
        var tag = InvalidTagCharacters().Replace(value, "-");
        return tag.Length > 128 ? tag[..128] : tag;
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex InvalidTagCharacters();
}
