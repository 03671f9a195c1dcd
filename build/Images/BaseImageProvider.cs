using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Pins;
using TemplateFleet.Registry;
using TemplateFleet.Results;
using TemplateFleet.SupplyChain;

namespace TemplateFleet.Images;

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
/// BuildBase: settles the one base every template of the run builds FROM, once, in this order: the published base
/// given by reference (a template job of a release: pulled by digest, never built, no OS image needed); the base's
/// pin when its release inputs are unchanged and its registry is the run's (pulled by that digest, not rebuilt:
/// debootstrap is not reproducible, so a rebuild would make a new base); otherwise the OS image and a build here.
/// </summary>
public sealed class BaseImageProvider(RunContext context)
{
    private readonly IDockerClient docker = context.Engine.Client;

    public async Task<BaseResult> EnsureAsync(FleetRun run, BaseImageOptions options, ImageBuildOptions build, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (options.Reference is { } given)
        {
            var (pulled, error) = await PulledAsync(given, options, "--base-image", clock, ct);
            return pulled ?? throw new FleetException(Unavailable(given, options, error, "the base this release was given: --base-image, the base job's output"));
        }

        var config = run.Config;
        var request = Request(run, build, osImage: "", osSource: "");
        var inputs = await ReleaseInputs.OfBaseAsync(request, config.Base.Os, ct);
        var pinFile = PinFile.PathForBase(config);
        if (options.Registry is { } registry && PinFile.ReadIfExists(pinFile) is { } pin)
        {
            var image = $"{RegistryHost.Parse(registry)}/{config.Base.Image}";
            if (pin.Image == image && pin.Inputs == inputs)
            {
                var origin = $"its pin {FleetLoader.Display(context.Paths.Root, pinFile)} (inputs unchanged)";
                var (pinned, error) = await PulledAsync(pin.Reference, options, origin, clock, ct, inputs);
                if (pinned is not null)
                    return pinned;
                Log.Warning("Base: {Problem} Building the base here instead; Publish pins the new one.", Unavailable(pin.Reference, options, error, "its pin"));
            }
            else
            {
                Log.Information("Base: {Why}; building it", pin.Image != image
                    ? $"its pin names {pin.Image}, not {image}"
                    : $"its inputs changed since its pin ({Short(pin.Inputs)} → {ReleaseInputs.Short(inputs)})");
            }
        }

        var os = await new OsImageProvider(docker, context.Paths.Os).EnsureAsync(config, ct);
        request = Request(run, build, os.Reference, os.Source) with
        {
            Tags = [$"{config.Base.Image}:{ReleaseInputs.Short(inputs)}", $"{config.Base.Image}:{context.Revision.Tag}", $"{config.Base.Image}:latest"],
        };
        var result = await new ImageBuilder(docker).BuildAsync(request, ct);
        if (!result.Succeeded)
            return new BaseResult(BaseStatus.Failed, null, null, inputs, os.Source, "built", [], FleetLoader.Display(context.Paths.Root, result.LogFile), clock.Elapsed, result.FailureMessage);
        Log.Information("Base image {Id} built in {Seconds:0.0} s (inputs {Inputs})", result.ImageId, result.Duration.TotalSeconds, ReleaseInputs.Short(inputs));
        // Image ids are content addresses: FROM by id pins exactly this base on this engine.
        return new BaseResult(BaseStatus.Built, result.ImageId, result.ImageId, inputs, os.Source, "built", request.Tags, FleetLoader.Display(context.Paths.Root, result.LogFile), clock.Elapsed, null);
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

    ImageBuildRequest Request(FleetRun run, ImageBuildOptions build, string osImage, string osSource)
    {
        var config = run.Config;
        // Only stable labels on the base: a timestamp, run id or commit would change its id on every
        // build, and every template layer (FROM that id) would miss the cache.
        var labels = new Dictionary<string, string>
        {
            [FleetImageBuilder.OciPrefix + "source"] = context.Revision.Source,
            [Labels.Template] = config.Base.Folder,
            // The trust decision travels with the image (templates inherit it) and is part of the release inputs.
            [Labels.CaTrust] = PinJson.KebabCase<CaTrust>.Name(build.CaTrust),
        };
        if (osSource.Length > 0)
            labels[Labels.OsSource] = osSource;
        return new ImageBuildRequest(
            config.Base.Folder,
            Path.Combine(config.TemplatesDirectory, config.Base.Folder),
            BuildArgs.ForBase(config, osImage),
            labels,
            [],
            Path.Combine(context.Paths.Logs, $"{config.Base.Folder}.build.log"),
            build.NoCache,
            new Dictionary<string, byte[]> { [ImageBuildOptions.CaBundleFileName] = ReadCaBundle(build) },
            build.CaTrust == CaTrust.RunTime ? ImageBuildOptions.RunTimeTrustStage : null);
    }

    static string Short(string? inputs) => inputs is null ? "none: a v1 pin" : ReleaseInputs.Short(inputs);

    internal static byte[] ReadCaBundle(ImageBuildOptions options) =>
        options.EffectiveCaBundle is not { } file ? []
        : File.Exists(file) ? File.ReadAllBytes(file)
        : throw new FleetException($"The extra CA bundle '{file}' (--ca-bundle or SSL_CERT_FILE) does not exist. Pass an existing PEM file, or unset SSL_CERT_FILE to build without one.");
}
