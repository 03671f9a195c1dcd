using System.Diagnostics;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace TemplateFleet.Images;

/// <summary>Builds one image through the Engine API (classic builder), streaming context and log.</summary>
public sealed class ImageBuilder(IDockerClient docker)
{
    public async Task<ImageBuildResult> BuildAsync(ImageBuildRequest request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var log = new BuildLog(request.Name, request.LogFile);
        var progress = new BuildProgress(log);
        var parameters = new ImageBuildParameters
        {
            Dockerfile = "Dockerfile",
            Tags = [.. request.Tags],
            BuildArgs = request.BuildArgs.ToDictionary(),
            Labels = request.Labels.ToDictionary(),
            // Host networking: pip reaches the loopback package index from RUN steps.
            NetworkMode = "host",
            Remove = true,
            ForceRemove = true,
            NoCache = request.NoCache,
        };

        string? error = null;
        try
        {
            await using var context = BuildContext.Open(request.ContextDirectory, request.ExtraFiles ?? new Dictionary<string, byte[]>(), ct);
            await docker.Images.BuildImageFromDockerfileAsync(parameters, context, [], new Dictionary<string, string>(), progress, ct);
            error = progress.Error;
        }
        catch (DockerApiException e)
        {
            // e.g. a Dockerfile parse error is answered with a status code before any step runs.
            error = e.ResponseBody is { Length: > 0 } body ? ErrorFromBody(body) : e.Message;
            log.Line(error);
        }

        var imageId = error is null ? progress.ImageId ?? await InspectIdAsync(request.Tags, ct) : null;
        error ??= imageId is null ? "the engine reported no image id" : null;
        log.Dispose();
        return new ImageBuildResult(request.Name, imageId, error, error is null ? null : log.CurrentStep, log.Tail, log.Path, clock.Elapsed);
    }

    private async Task<string?> InspectIdAsync(IReadOnlyList<string> tags, CancellationToken ct) =>
        tags.Count == 0 ? null : (await docker.Images.InspectImageAsync(tags[0], ct)).ID;

    private static string ErrorFromBody(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) ? message.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Trim();
        }
    }

    /// <summary>Handles each message synchronously and in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class BuildProgress(BuildLog log) : IProgress<JSONMessage>
    {
        public string? ImageId { get; private set; }
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Stream is { Length: > 0 } text)
            {
                log.Append(text);
            }

            if (value.Status is { Length: > 0 } status)
            {
                log.Line(value.ID is { Length: > 0 } id ? $"{id}: {status}" : status);
            }

            if (value.Error is { Message: { Length: > 0 } message })
            {
                Error = message.Trim();
                log.Line($"ERROR: {Error}");
            }

            if (value.Aux?.ExtensionData is { } aux && aux.TryGetValue("ID", out var id2) && id2?.ToString() is { Length: > 0 } imageId)
            {
                ImageId = imageId;
            }
        }
    }
}
