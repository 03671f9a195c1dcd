using System.Security.Cryptography;
using System.Text;
using TemplateFleet.Dockerfiles;
using TemplateFleet.Pins;

namespace TemplateFleet.Images;

/// <summary>
/// The content address of one image build's inputs: the context as the engine receives it (names, modes,
/// link targets and contents), the build args, the labels, the target stage and the Dockerfile name. The same inputs on the same engine give the
/// image the engine's layer cache would give, so an image labelled with the same address is reused without
/// a build (a cached no-op build still costs the engine about a quarter of a second per image).
/// Only where the address captures every input: each FROM must be an image id passed in a build arg (as
/// the fleet does), an id, scratch, or an earlier stage; a FROM by name can move under the same name.
/// </summary>
public static class BuildInputs
{
    const string Version = "template-fleet build inputs v1";

    /// <summary>"sha256:&lt;hex&gt;", or null when the Dockerfile names an image whose content the address cannot capture.</summary>
    public static async Task<string?> AddressAsync(ImageBuildRequest request, CancellationToken ct)
    {
        var dockerfile = Path.Combine(request.ContextDirectory, "Dockerfile");
        return File.Exists(dockerfile) && FromsArePinned(await File.ReadAllTextAsync(dockerfile, ct), request.BuildArgs)
            ? await HashAsync(Version, request, ct) : null;
    }

    /// <summary>
    /// The address of what the request's content is made of, over exactly the build args and labels given (the
    /// caller picks them: <see cref="AddressAsync"/>, Images.ReleaseInputs). ReleaseInputs calls it without the
    /// pinned-FROM check: an arg may describe its image by source ("debian:bookworm-slim, else debootstrap bookworm")
    /// rather than by an engine-local id.
    /// </summary>
    internal static async Task<string> HashAsync(string version, ImageBuildRequest request, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = $"{version}\n" + (request.Target is { } stage ? $"target {stage}\n" : "")
            + string.Concat(request.BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"arg {a.Key}={a.Value}\n"))
            + string.Concat(request.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"label {l.Key}={l.Value}\n"));
        hash.AppendData(Encoding.UTF8.GetBytes(header));

        // What the engine receives: the context's entries (as BuildContext sends them) and the injected files.
        // Not the tar bytes: PAX headers carry access and change times that differ from run to run.
        var extra = request.ExtraFiles ?? new Dictionary<string, byte[]>();
        foreach (var entry in BuildContext.Entries(request.ContextDirectory).Where(e => !extra.ContainsKey(e)))
        {
            var path = Path.Combine(request.ContextDirectory, entry);
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            var kind = info.LinkTarget is { } target ? $"link {target}" : info is FileInfo file ? $"file {file.Length}" : "dir";
            hash.AppendData(Encoding.UTF8.GetBytes($"entry {entry} {(int)info.UnixFileMode} {kind}\n"));
            if (info is FileInfo { LinkTarget: null })
            {
                await using var content = File.OpenRead(path);
                hash.AppendData(await SHA256.HashDataAsync(content, ct));
            }
        }
        foreach (var (name, content) in extra.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"extra {name} {content.Length}\n"));
            hash.AppendData(SHA256.HashData(content));
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whether every FROM names content the build args pin: an image id or a name@sha256: digest
    /// (directly or through an ARG), scratch, or an earlier stage.</summary>
    internal static bool FromsArePinned(string dockerfileText, IReadOnlyDictionary<string, string> buildArgs)
    {
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var froms = DockerfileParser.Parse(dockerfileText).Froms;
        foreach (var from in froms)
        {
            var image = from.ImageArgument is { } arg ? buildArgs.GetValueOrDefault(arg) ?? "" : from.Image;
            var pinned = image.StartsWith("sha256:", StringComparison.Ordinal) || Pins.PinnedImage.Parse(image) is not null
                || image == "scratch" || stages.Contains(image);
            if (!pinned)
                return false;
            if (from.StageName is { } stage)
                stages.Add(stage);
        }
        return froms.Count > 0;
    }
}
