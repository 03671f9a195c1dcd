using System.Collections.Concurrent;
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
using TemplateFleet.SupplyChain;

namespace TemplateFleet.Images;

/// <param name="Parallelism">Templates built at once; 0 means Environment.ProcessorCount.</param>
/// <param name="CaBundle">Extra CA bundle injected into the base as fleet-extra-ca.crt; null means
/// $SSL_CERT_FILE when set, else an empty file. Its content is never logged.</param>
/// <param name="ReleaseRegistry">host[:port] when this run publishes: a template whose release inputs equal its pin's
/// there is not built (its pin stands). Null: every template is built (and gated).</param>
public sealed record ImageBuildOptions(
    int Parallelism = 0,
    bool NoCache = false,
    string? CaBundle = null,
    string? ReleaseRegistry = null)
{
    public const string CaBundleFileName = "fleet-extra-ca.crt";

    public int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;

    public string? EffectiveCaBundle => CaBundle ?? (Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } file ? file : null);

    /// <summary>The base's stage that keeps the extra CA trusted at run time (templates/base/Dockerfile).</summary>
    public const string RunTimeTrustStage = "ca-trusted-at-run-time";

    /// <summary>--trust-ca-bundle-at-runtime: the shipped images keep trusting the extra CA bundle at run time.</summary>
    public bool TrustCaBundleAtRunTime { get; init; }

    /// <summary>What the shipped images trust of the extra CA bundle at run time; the base records it as its ca-trust label.</summary>
    public CaTrust CaTrust => EffectiveCaBundle is null ? CaTrust.None : TrustCaBundleAtRunTime ? CaTrust.RunTime : CaTrust.BuildOnly;
}

/// <summary>Where BuildBase may take the base from.</summary>
/// <param name="Reference">--base-image: a published base (&lt;image&gt;@sha256:...) to build the templates FROM; nothing is built.</param>
/// <param name="Registry">The registry in use when this run publishes or a registry is configured: a base whose inputs equal
/// its pin's there is taken by its pinned digest. Null: the base is built on this engine.</param>
/// <param name="Login">Who pulls the base (a given one may be in another registry than <paramref name="Registry"/>).</param>
public sealed record BaseImageOptions(string? Reference = null, string? Registry = null, RegistryCredentials? Login = null)
{
    public AuthConfig? AuthFor(string reference) => Login?.Username is null ? null : (Login with { Address = reference.Split('/')[0] }).Auth;
}

/// <summary>
/// BuildBase settles the one base every template of the run builds FROM, once, in this order: the published base
/// given by reference (a template job of a release: pulled by digest, never built, no OS image needed); the base's
/// pin when its release inputs are unchanged and its registry is the run's (pulled by that digest, not rebuilt:
/// debootstrap is not reproducible, so a rebuild would make a new base); otherwise the OS image and a build here.
/// BuildImage: every template FROM the run's base (its published digest once PublishBase ran, else its image id),
/// in parallel (bounded), each verified after its build, each result written once to the store. A failed
/// template does not stop the others. When the run releases, a template whose release inputs equal its pin's is
/// not built at all: its pin stands.
/// </summary>
public sealed class FleetImageBuilder(RunContext context)
{
    public const string OciPrefix = "org.opencontainers.image.";

    private readonly IDockerClient docker = context.Engine.Client;

    public async Task<BaseResult> BuildBaseAsync(FleetRun run, BaseImageOptions options, ImageBuildOptions build, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (options.Reference is { } given)
        {
            var (pulled, error) = await PulledAsync(given, options, "--base-image", clock, ct);
            return pulled ?? throw new FleetException(Unavailable(given, options, error, "the base this release was given: --base-image, the base job's output"));
        }

        var config = run.Config;
        // Only stable labels on the base: a timestamp, run id or commit would change its id on every
        // build, and every template layer (FROM that id) would miss the cache.
        var labels = new Dictionary<string, string>
        {
            [OciPrefix + "source"] = context.Revision.Source,
            [Labels.Template] = config.Base.Folder,
            // The trust decision travels with the image (templates inherit it) and is part of the release inputs.
            [Labels.CaTrust] = PinJson.KebabCase<CaTrust>.Name(build.CaTrust),
        };
        // The OS image comes in below; the release inputs describe it as fleet.yaml names it.
        var request = new ImageBuildRequest(config.Base.Folder, Path.Combine(config.TemplatesDirectory, config.Base.Folder),
            BuildArgs.ForBase(config, osImage: ""), labels, [], Path.Combine(context.Paths.Logs, $"{config.Base.Folder}.build.log"), build.NoCache,
            new Dictionary<string, byte[]> { [ImageBuildOptions.CaBundleFileName] = ReadCaBundle(build.EffectiveCaBundle) },
            build.CaTrust == CaTrust.RunTime ? ImageBuildOptions.RunTimeTrustStage : null);
        var inputs = await ReleaseInputs.OfBaseAsync(request, config.Base.Os, ct);
        var pinFile = PinFile.PathForBase(config);
        if (options.Registry is { } registry && PinFile.ReadIfExists(pinFile) is { } pin)
        {
            if (PinMismatch(pin, registry, config.Base.Image, inputs) is { } why)
                Log.Information("Base: {Why}; building it", why);
            else
            {
                var origin = $"its pin {FleetLoader.Display(context.Paths.Root, pinFile)} (inputs unchanged)";
                var (pinned, error) = await PulledAsync(pin.Reference, options, origin, clock, ct, inputs);
                if (pinned is not null)
                    return pinned;
                Log.Warning("Base: {Problem} Building the base here instead; Publish pins the new one.", Unavailable(pin.Reference, options, error, "its pin"));
            }
        }

        var os = await new OsImageProvider(docker, context.Paths.Os).EnsureAsync(config, ct);
        request = request with
        {
            BuildArgs = BuildArgs.ForBase(config, os.Reference),
            Labels = new Dictionary<string, string>(labels) { [Labels.OsSource] = os.Source },
            Tags = [$"{config.Base.Image}:{ReleaseInputs.Short(inputs)}", $"{config.Base.Image}:{context.Revision.Tag}", $"{config.Base.Image}:latest"],
        };
        var result = await new ImageBuilder(docker).BuildAsync(request, ct);
        var logFile = FleetLoader.Display(context.Paths.Root, result.LogFile);
        if (!result.Succeeded)
            return new BaseResult(BaseStatus.Failed, null, null, inputs, os.Source, "built", [], logFile, clock.Elapsed, result.FailureMessage);
        Log.Information("Base image {Id} built in {Seconds:0.0} s (inputs {Inputs})", result.ImageId, result.Duration.TotalSeconds, ReleaseInputs.Short(inputs));
        // Image ids are content addresses: FROM by id pins exactly this base on this engine.
        return new BaseResult(BaseStatus.Built, result.ImageId, result.ImageId, inputs, os.Source, "built", request.Tags, logFile, clock.Elapsed, null);
    }

    async Task<(BaseResult? Result, string? Error)> PulledAsync(string reference, BaseImageOptions options, string origin, Stopwatch clock, CancellationToken ct, string? inputs = null)
    {
        var (id, error) = await ImagePull.EnsureAsync(docker, reference, options.AuthFor(reference), ct);
        if (id is null)
            return (null, error);
        var labels = (await docker.Images.InspectImageAsync(id, ct)).Config?.Labels ?? new Dictionary<string, string>();
        Log.Information("Base image {Reference} ({Id}) from {Origin}: nothing built", reference, id, origin);
        return (new BaseResult(BaseStatus.Pulled, id, reference, inputs, (labels.TryGetValue(Labels.OsSource, out var os) ? os : null), origin, [], null, clock.Elapsed, null), null);
    }

    static string Unavailable(string reference, BaseImageOptions options, string? error, string what) =>
        $"the base image {reference} ({what}) is not on this engine and cannot be pulled: {error?.TrimEnd('.')}{(ImagePull.Hint(error ?? "") is { Length: > 0 } hint ? hint : ".")} "
        + $"Every runner needs a registry it can reach{(options.Registry is { } r && RegistryHost.IsLoopbackRegistry(r) ? $" ({r} is on loopback: it serves this host only)" : "")}; "
        + "check that the base job published this digest there.";

    /// <summary>Why the image is built although it has a pin in <paramref name="registry"/>; null when the pin stands.</summary>
    static string? PinMismatch(Pin pin, string registry, string repository, string inputs)
    {
        var image = $"{RegistryHost.Parse(registry)}/{repository}";
        return pin.Image != image ? $"its pin names {pin.Image}, not {image}"
            : pin.Inputs != inputs ? $"its inputs changed since its pin ({(pin.Inputs is null ? "none: a v1 pin" : ReleaseInputs.Short(pin.Inputs))} → {ReleaseInputs.Short(inputs)})"
            : null;
    }


    /// <summary>The extra CA bundle's bytes. Restore checks the bundle (CaBundleCheck); a run that skipped Restore
    /// (`--skip`) gets the same advice here instead of a bare FileNotFoundException.</summary>
    internal static byte[] ReadCaBundle(string? file) =>
        file is null ? []
        : File.Exists(file) ? File.ReadAllBytes(file)
        : throw new FleetException($"The extra CA bundle '{file}' (--ca-bundle or SSL_CERT_FILE) does not exist. Pass an existing PEM file, or unset SSL_CERT_FILE to build without one.");

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
            && PinMismatch(pin, registry, repository, inputs) is null)
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
                // An image that failed its proof must not keep release tags anyone could push or run.
                if (failure is null)
                    verified.Add(key);
                else
                    await UntagAsync(tags);
            }
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

    /// <summary>
    /// Image ids (content addresses) that already passed the post-build checks, one "id version command" a
    /// line under output/: a fully cached rebuild skips re-proving the very same image. Thread-safe.
    /// </summary>
    private sealed class VerifiedImages(string file)
    {
        private readonly ConcurrentDictionary<string, bool> keys =
            new(File.Exists(file) ? File.ReadLines(file).Where(l => l.Length > 0).Distinct().Select(l => KeyValuePair.Create(l, true)) : []);

        public bool Contains(string key) => keys.ContainsKey(key);

        public void Add(string key)
        {
            if (!keys.TryAdd(key, true))
                return;
            lock (keys)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.AppendAllLines(file, [key]);
            }
        }
    }
}
