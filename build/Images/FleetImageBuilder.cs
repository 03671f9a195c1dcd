using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Python;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.Images;

/// <summary>
/// BuildImage: the OS image, the base (once), then every template FROM the base's image id, in parallel
/// (bounded), each verified after its build. A failed template does not stop the others; results land
/// on the FleetRun.
/// </summary>
public sealed class FleetImageBuilder(RunContext context)
{
    public const string OciPrefix = "org.opencontainers.image.";

    private readonly IDockerClient docker = context.Engine.Client;

    public async Task BuildFleetAsync(FleetRun run, ImageBuildOptions options, CancellationToken ct)
    {
        var runtimeVersion = run.RuntimeVersion;
        var indexUrl = run.PackageIndexUrl;
        var revision = context.Revision;

        var os = await new OsImageProvider(docker, context.Paths.Os).EnsureAsync(run.Config, ct);
        var baseResult = await BuildBaseAsync(run, options, os, revision, ct);
        if (!baseResult.Succeeded)
        {
            foreach (var template in run.Templates)
            {
                template.Build = StageStatus.Skipped;
                template.BuildFailure = $"not built: the base image failed to build ({baseResult.Error})";
            }

            throw new FleetException(baseResult.FailureMessage);
        }

        run.BaseImageId = baseResult.ImageId;
        // Image ids are content addresses: FROM by id pins exactly this base.
        run.BaseDigest = baseResult.ImageId;
        Log.Information("Base image {Id} built in {Seconds:0.0} s", baseResult.ImageId, baseResult.Duration.TotalSeconds);

        // The commit's date, not "now": with every label stable, a rebuild of an unchanged tree is fully
        // cached (even the LABEL step) and yields the very same image ids.
        var created = (revision.CommitTime ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var verified = new VerifiedImages(Path.Combine(context.Paths.Images, "verified.txt"));
        Exception? unreachable = null;
        await Parallel.ForEachAsync(run.Templates, new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveParallelism, CancellationToken = ct },
            async (template, token) =>
            {
                try
                {
                    await BuildTemplateAsync(run, template, options, revision, created, os.Source, runtimeVersion, indexUrl, verified, token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    // One template's engine error must not cancel the others' builds.
                    template.Build = StageStatus.Failed;
                    template.BuildFailure = $"{template.Name}: build could not complete: {e.Message}";
                    Log.Error("[{Template}] {Failure}", template.Name, template.BuildFailure);
                    if (EngineConnection.IsConnectionFailure(e))
                        unreachable ??= e;
                }
            });
        if (unreachable is not null && !await context.Engine.AnswersAsync())
            throw EngineConnection.Lost(context.Engine.Endpoint, "BuildImage", unreachable);

        var failed = run.Templates.Where(t => t.Build == StageStatus.Failed).ToList();
        Log.Information("BuildImage: {Ok}/{Total} templates built{Failed}", run.Templates.Count - failed.Count, run.Templates.Count,
            failed.Count == 0 ? "" : "; failed: " + string.Join(", ", failed.Select(f => f.Name)));
    }

    private async Task<ImageBuildResult> BuildBaseAsync(FleetRun run, ImageBuildOptions options, OsImage os, SourceRevision revision, CancellationToken ct)
    {
        var config = run.Config;
        // Only stable labels on the base: a timestamp, run id or commit would change its id on every
        // build, and every template layer (FROM that id) would miss the cache.
        var labels = new Dictionary<string, string>
        {
            [OciPrefix + "source"] = revision.Source,
            [Labels.OsSource] = os.Source,
            [Labels.Template] = config.Base.Folder,
            // The trust decision travels with the image (templates inherit it); Publish records it in the pin.
            [Labels.CaTrust] = SupplyChainRecordJson.CaTrustName(options.CaTrust),
        };
        return await new ImageBuilder(docker).BuildAsync(new ImageBuildRequest(
            config.Base.Folder,
            Path.Combine(config.TemplatesDirectory, config.Base.Folder),
            BuildArgs.ForBase(config, os.Reference),
            labels,
            [$"{config.Base.Image}:{revision.Tag}", $"{config.Base.Image}:latest"],
            Path.Combine(context.Paths.Logs, $"{config.Base.Folder}.build.log"),
            options.NoCache,
            new Dictionary<string, byte[]> { [ImageBuildOptions.CaBundleFileName] = ReadCaBundle(options) },
            options.CaTrust == CaTrust.RunTime ? ImageBuildOptions.RunTimeTrustStage : null), ct);
    }

    private async Task BuildTemplateAsync(FleetRun run, TemplateRun target, ImageBuildOptions options, SourceRevision revision,
        string created, string osSource, Pep440Version runtimeVersion, string indexUrl, VerifiedImages verified, CancellationToken ct)
    {
        var template = target.Template;
        var repository = run.Config.Images.RepositoryOf(template.Name);
        var version = runtimeVersion.ToString(); // labels, tags and the build argument carry the normal form
        var tags = new[] { $"{repository}:{version}", $"{repository}:{revision.Tag}" };
        var labels = new Dictionary<string, string>
        {
            [OciPrefix + "version"] = version,
            [OciPrefix + "created"] = created,
            [OciPrefix + "source"] = revision.Source,
            [OciPrefix + "revision"] = revision.Commit ?? revision.Tag,
            [Labels.RuntimeVersion] = version,
            [Labels.DevelopmentPackages] = run.DevelopmentPackages ? "true" : "false",
            [Labels.OsSource] = osSource,
            [Labels.Template] = template.Name,
            // No run id here: it would make every build's image new. Containers carry the run id.
        };
        var buildArgs = BuildArgs.ForTemplate(run.Config, template, run.BaseDigest!, version, indexUrl);

        var clock = Stopwatch.StartNew();
        var result = await new ImageBuilder(docker).BuildAsync(new ImageBuildRequest(
            template.Name, template.Directory, buildArgs, labels, tags,
            Path.Combine(context.Paths.Logs, $"{template.Name}.build.log"), options.NoCache), ct);
        target.BuildLog = result.LogFile;
        target.ImageId = result.ImageId;
        target.Tags = result.Succeeded ? tags : [];

        var failure = result.Succeeded ? null : result.FailureMessage;
        if (failure is null && options.Verify)
        {
            // Image ids are content addresses: an id already proven with this runtime and CLI needs no new proof.
            var key = $"{result.ImageId} {runtimeVersion} {template.Agent.Command}";
            if (verified.Contains(key))
            {
                Log.Information("[{Template}] {Id} already verified (runtime {Version}, {Command} runs)", template.Name, result.ImageId, runtimeVersion, template.Agent.Command);
            }
            else
            {
                failure = await new ImageVerifier(docker).VerifyAsync(result.ImageId!, template, run.Config.Runtime.Package, runtimeVersion, context.RunId, ct);
                if (failure is null)
                {
                    verified.Add(key);
                }
            }
        }

        if (failure is not null && result.Succeeded)
        {
            // An image that failed its proof must not keep release tags anyone could push or run.
            await UntagAsync(tags);
            target.Tags = [];
        }

        target.BuildDuration = clock.Elapsed;
        target.Build = failure is null ? StageStatus.Succeeded : StageStatus.Failed;
        target.BuildFailure = failure;
        if (failure is null)
        {
            Log.Information("[{Template}] built {Id} ({Tags}) in {Seconds:0.0} s", template.Name, result.ImageId, string.Join(", ", tags), clock.Elapsed.TotalSeconds);
        }
        else
        {
            Log.Error("[{Template}] {Failure}", template.Name, failure);
        }
    }

    private async Task UntagAsync(IEnumerable<string> tags)
    {
        foreach (var tag in tags)
        {
            try
            {
                await docker.Images.DeleteImageAsync(tag, new ImageDeleteParameters { NoPrune = true }, CancellationToken.None);
            }
            catch (DockerImageNotFoundException)
            {
                // Already untagged.
            }
        }
    }

    private static byte[] ReadCaBundle(ImageBuildOptions options)
    {
        var file = options.EffectiveCaBundle;
        if (file is null)
        {
            return [];
        }

        return File.Exists(file)
            ? File.ReadAllBytes(file)
            : throw new FleetException($"The extra CA bundle '{file}' (--ca-bundle or SSL_CERT_FILE) does not exist. Pass an existing PEM file, or unset SSL_CERT_FILE to build without one.");
    }
}
