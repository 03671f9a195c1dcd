using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using TemplateFleet.Fleet;
using TemplateFleet.Registry;

namespace TemplateFleet.Images;

/// <summary>One image build: context folder, args, labels, tags and where its log goes.</summary>
/// <param name="Name">Template name (log prefix and failure messages).</param>
/// <param name="ExtraFiles">Files injected into the context root (e.g. the CA bundle).</param>
/// <param name="Target">The stage to build; null: the last one.</param>
public sealed record ImageBuildRequest(string Name, string ContextDirectory, IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Tags, string LogFile, bool NoCache = false,
    IReadOnlyDictionary<string, byte[]>? ExtraFiles = null, string? Target = null);

/// <summary>The outcome of one image build. On failure, the step that failed and the log's last lines.</summary>
public sealed record ImageBuildResult(string Name, string? ImageId, string? Error, string? FailedStep,
    IReadOnlyList<string> LogTail, string LogFile, TimeSpan Duration)
{
    public bool Succeeded => ImageId is not null && Error is null;

    /// <summary>One message a person can act on: template, step, error, log tail and where the full log is.</summary>
    public string FailureMessage =>
        $"""
        Image build for '{Name}' failed at {FailedStep ?? "(before the first step)"}
          error: {Error}
          last lines of {LogFile}:
            {string.Join("\n    ", LogTail)}
        """;
}

/// <summary>Builds one image through the Engine API (classic builder), streaming context and log.</summary>
public sealed class ImageBuilder(IDockerClient docker)
{
    public async Task<ImageBuildResult> BuildAsync(ImageBuildRequest request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var log = new BuildLog(request.Name, request.LogFile);
        var address = request.NoCache ? null : await BuildInputs.AddressAsync(request, ct);
        // The image one of the wanted tags already names (null: not built under it yet), when it carries these inputs.
        // By tag, not by a label filter: filtering lists every image of the engine (about 0.5 s with two thousand of them here).
        var held = address is null ? [] : await Task.WhenAll(request.Tags.Select(tag => ImagePull.InspectAsync(docker, tag, ct)));
        if (held.FirstOrDefault(i => i?.Config?.Labels?.TryGetValue(Labels.Inputs, out var inputs) == true && inputs == address)?.ID is { } built)
        {
            // The engine parses the tag out of the name (a registry port is never read as a tag).
            foreach (var tag in request.Tags)
                await docker.Images.TagImageAsync(built, new ImageTagParameters { RepositoryName = tag }, ct);
            log.Line($"Inputs unchanged ({address}): reusing image {built} (--no-cache builds it again)");
            log.Dispose();
            return new ImageBuildResult(request.Name, built, null, null, log.Tail, log.Path, clock.Elapsed);
        }

        var labels = request.Labels.ToDictionary();
        if (address is not null)
            labels[Labels.Inputs] = address;
        var parameters = new ImageBuildParameters
        {
            Dockerfile = "Dockerfile",
            Tags = [.. request.Tags],
            BuildArgs = request.BuildArgs.ToDictionary(),
            Labels = labels,
            // Host networking: pip reaches the loopback package index from RUN steps.
            NetworkMode = "host",
            Remove = true,
            ForceRemove = true,
            NoCache = request.NoCache,
            Target = request.Target,
        };

        string? error = null;
        try
        {
            await using var context = BuildContext.Open(request.ContextDirectory, request.ExtraFiles ?? new Dictionary<string, byte[]>(), ct);
            await docker.Images.BuildImageFromDockerfileAsync(parameters, context, [], new Dictionary<string, string>(), log, ct);
            error = log.Error;
        }
        catch (DockerApiException e)
        {
            // e.g. a Dockerfile parse error is answered with a status code before any step runs.
            error = ImagePull.MessageOf(e);
            log.Line(error);
        }

        var imageId = error is not null ? null
            : log.ImageId ?? (request.Tags.Count == 0 ? null : (await docker.Images.InspectImageAsync(request.Tags[0], ct)).ID);
        error ??= imageId is null ? "the engine reported no image id" : null;
        log.Dispose();
        return new ImageBuildResult(request.Name, imageId, error, error is null ? null : log.CurrentStep, log.Tail, log.Path, clock.Elapsed);
    }
}
