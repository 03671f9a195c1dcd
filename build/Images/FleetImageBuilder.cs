using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Pins;
using TemplateFleet.Publishing;
using TemplateFleet.Registry;
using TemplateFleet.Results;

namespace TemplateFleet.Images;

/// <summary>
/// BuildImage: every template FROM the run's base (its published digest once PublishBase ran, else its image id),
/// in parallel (bounded), each verified after its build, each result written once to the store. A failed
/// template does not stop the others. When the run releases, a template whose release inputs equal its pin's is
/// not built at all: its pin stands.
/// </summary>
public sealed class FleetImageBuilder(RunContext context)
{
    public const string OciPrefix = "org.opencontainers.image.";

    private readonly IDockerClient docker = context.Engine.Client;

    public async Task<IReadOnlyList<BuildResult>> BuildFleetAsync(FleetRun run, ResultStore results, ImageBuildOptions options, CancellationToken ct)
    {
        var @base = results.Base;
        var from = results.BaseReference;
        if (@base is not { Succeeded: true } || from is null)
        {
            var why = @base?.Failure?.Split('\n')[0] ?? "BuildBase did not run";
            var skipped = run.Templates.Select(t => new BuildResult(t.Name, BuildStatus.Skipped, null, [], null, null, null, TimeSpan.Zero,
                $"not built: there is no base image ({why})")).ToList();
            skipped.ForEach(results.Write);
            throw new FleetException($"BuildImage: no template can be built without the base image: {why}");
        }

        // The commit's date, not "now": with every label stable, a rebuild of an unchanged tree is fully
        // cached (even the LABEL step) and yields the very same image ids.
        var created = (context.Revision.CommitTime ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var verified = new VerifiedImages(Path.Combine(context.Paths.Images, "verified.txt"));
        var built = new BuildResult[run.Templates.Count];
        Exception? unreachable = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, run.Templates.Count), new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveParallelism, CancellationToken = ct },
            async (i, token) =>
            {
                var template = run.Templates[i];
                var clock = Stopwatch.StartNew();
                BuildResult result;
                try
                {
                    result = await BuildTemplateAsync(run, template, from, @base.OsImage ?? "", options, created, verified, clock, token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    // One template's engine error must not cancel the others' builds.
                    result = new BuildResult(template.Name, BuildStatus.Failed, null, [], null, from, null, clock.Elapsed,
                        $"{template.Name}: build could not complete: {e.Message}");
                    Log.Error("[{Template}] {Failure}", template.Name, result.Failure);
                    if (EngineConnection.IsConnectionFailure(e))
                        unreachable ??= e;
                }
                results.Write(result);
                built[i] = result;
            });
        if (unreachable is not null && !await context.Engine.AnswersAsync())
            throw EngineConnection.Lost(context.Engine.Endpoint, "BuildImage", unreachable);

        var failed = built.Where(t => t.Status == BuildStatus.Failed).ToList();
        var unchanged = built.Count(t => t.Status == BuildStatus.Unchanged);
        Log.Information("BuildImage: {Ok}/{Total} templates built{Unchanged}{Failed}", built.Count(b => b.Succeeded), built.Length,
            unchanged == 0 ? "" : $", {unchanged} unchanged since their pins",
            failed.Count == 0 ? "" : "; failed: " + string.Join(", ", failed.Select(f => f.Template)));
        return built;
    }

    private async Task<BuildResult> BuildTemplateAsync(FleetRun run, Template template, string from, string osSource, ImageBuildOptions options,
        string created, VerifiedImages verified, Stopwatch clock, CancellationToken ct)
    {
        var revision = context.Revision;
        var repository = run.Config.Images.RepositoryOf(template.Name);
        var version = run.RuntimeVersion.ToString(); // labels, tags and the build argument carry the normal form
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
        var buildArgs = BuildArgs.ForTemplate(run.Config, template, from, version, run.PackageIndexUrl);
        var request = new ImageBuildRequest(template.Name, template.Directory, buildArgs, labels, [],
            Path.Combine(context.Paths.Logs, $"{template.Name}.build.log"), options.NoCache);
        var inputs = await ReleaseInputs.OfTemplateAsync(request, ct);

        if (options.ReleaseRegistry is { } registry && PinFile.ReadIfExists(PinFile.PathFor(template)) is { } pin
            && pin.Image == $"{RegistryHost.Parse(registry)}/{repository}" && pin.Inputs == inputs)
        {
            Log.Information("[{Template}] unchanged since its pin (inputs {Inputs}): not built; {Reference} stands", template.Name, ReleaseInputs.Short(inputs), pin.Reference);
            return new BuildResult(template.Name, BuildStatus.Unchanged, null, [], inputs, from, null, clock.Elapsed, null);
        }

        // The first tag carries the inputs: two builds of other parameters on one engine never share it. The
        // others are for people and may move; nothing reads a tag back (later stages use the image id).
        var tags = new[] { $"{repository}:{Publisher.TagFor(version)}-{ReleaseInputs.Short(inputs)}", $"{repository}:{Publisher.TagFor(version)}", $"{repository}:{revision.Tag}" };
        var result = await new ImageBuilder(docker).BuildAsync(request with { Tags = tags }, ct);
        var logFile = FleetLoader.Display(context.Paths.Root, result.LogFile);

        var failure = result.Succeeded ? null : result.FailureMessage;
        if (failure is null)
        {
            // Image ids are content addresses: an id already proven with this runtime and CLI needs no new proof.
            var key = $"{result.ImageId} {run.RuntimeVersion} {template.Agent.Command}";
            if (verified.Contains(key))
                Log.Information("[{Template}] {Id} already verified (runtime {Version}, {Command} runs)", template.Name, result.ImageId, run.RuntimeVersion, template.Agent.Command);
            else
            {
                failure = await new ImageVerifier(docker).VerifyAsync(result.ImageId!, template, run.Config.Runtime.Package, run.RuntimeVersion, context.RunId, ct);
                if (failure is null)
                    verified.Add(key);
            }
        }

        if (failure is not null && result.Succeeded)
        {
            // An image that failed its proof must not keep release tags anyone could push or run.
            await UntagAsync(tags);
        }

        if (failure is null)
        {
            Log.Information("[{Template}] built {Id} ({Tags}) in {Seconds:0.0} s", template.Name, result.ImageId, string.Join(", ", tags), clock.Elapsed.TotalSeconds);
            return new BuildResult(template.Name, BuildStatus.Built, result.ImageId, tags, inputs, from, logFile, clock.Elapsed, null);
        }

        Log.Error("[{Template}] {Failure}", template.Name, failure);
        return new BuildResult(template.Name, BuildStatus.Failed, result.ImageId, [], inputs, from, logFile, clock.Elapsed, failure);
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
}
