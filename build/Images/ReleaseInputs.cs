using TemplateFleet.Fleet;

namespace TemplateFleet.Images;

/// <summary>
/// The content address a pin records: what determines an image's content, and nothing else. Unlike the build
/// inputs (<see cref="BuildInputs"/>, which make an engine reuse an image it built), it leaves out what changes
/// with every commit or every runner without changing what is in the image: the created and revision labels
/// (otherwise merging the pins pull request, a new commit, would publish everything again, forever), where the
/// OS came from on this engine, the package index URL (PEP 440 versions are immutable), and engine-local image
/// ids: the base is described by its OS source as fleet.yaml names it (debootstrap is not reproducible, so an id
/// would differ on every runner), a template by the base's registry digest.
/// </summary>
public static class ReleaseInputs
{
    static readonly string[] NotContent =
    [
        FleetImageBuilder.OciPrefix + "created",
        FleetImageBuilder.OciPrefix + "revision",
        Labels.OsSource,
        BuildArgs.PipIndexUrl.Name,
    ];

    /// <summary>The base: its context (with the CA bundle the builder injects), build args and labels, the OS as fleet.yaml names it.</summary>
    public static Task<string> OfBaseAsync(ImageBuildRequest request, OsSource os, CancellationToken ct)
    {
        var args = Without(request.BuildArgs);
        args[BuildArgs.OsImage.Name] = $"{os.Image}, else debootstrap {os.Suite}";
        return BuildInputs.HashAsync("template-fleet base release inputs v1", request with { BuildArgs = args, Labels = Without(request.Labels) }, ct);
    }

    /// <summary>A template: its context and Dockerfile, BASE_IMAGE (the base's reference), the runtime, agent and other build args, its labels.</summary>
    public static Task<string> OfTemplateAsync(ImageBuildRequest request, CancellationToken ct) =>
        BuildInputs.HashAsync("template-fleet template release inputs v1", request with { BuildArgs = Without(request.BuildArgs), Labels = Without(request.Labels) }, ct);

    /// <summary>The first 12 hex digits: enough to tell two inputs apart in a tag.</summary>
    public static string Short(string address) => address[(address.IndexOf(':') + 1)..][..12];

    static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> values) =>
        values.Where(v => !NotContent.Contains(v.Key, StringComparer.Ordinal)).ToDictionary();
}
