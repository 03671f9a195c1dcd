using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;

namespace TemplateFleet.Registry;

/// <summary>Pulls an image by reference through the engine, with the registry's credentials when given.</summary>
public static class ImagePull
{
    /// <summary>The engine's image id for <paramref name="reference"/>, pulling it first when the engine does not hold it;
    /// null with the reason when it cannot (the registry does not serve it, refuses the credentials, cannot be reached).</summary>
    public static async Task<(string? ImageId, string? Error)> EnsureAsync(IDockerClient docker, string reference, AuthConfig? auth, CancellationToken ct)
    {
        if ((await InspectAsync(docker, reference, ct))?.ID is { } held)
            return (held, null);
        var progress = new StreamProgress("pull", reference);
        try
        {
            await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference }, auth ?? new AuthConfig(), progress, ct);
        }
        catch (DockerApiException e)
        {
            return (null, MessageOf(e));
        }
        return progress.Error is { } error ? (null, error)
            : (await InspectAsync(docker, reference, ct))?.ID is { } pulled ? (pulled, null) : (null, "the pull finished but the engine holds no such image");
    }

    /// <summary>A hint for a failed pull or push, or "".</summary>
    public static string Hint(string error) =>
        error.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) || error.Contains("authentication required", StringComparison.OrdinalIgnoreCase)
            ? ". Check the registry username and password parameters."
            : error.Contains("connection refused", StringComparison.OrdinalIgnoreCase)
                ? ". Is a registry listening there? Check the registry parameter (the default is fleet.yaml images.registry)."
                : "";

    /// <summary>The engine answers {"message": "..."}: the message is what a person needs.</summary>
    internal static string MessageOf(DockerApiException e)
    {
        if (e.ResponseBody?.Trim() is not { Length: > 0 } body)
            return e.Message;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text ? text : body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }
    }

    /// <summary>The image the engine holds under <paramref name="reference"/>, or null.</summary>
    internal static async Task<ImageInspectResponse?> InspectAsync(IDockerClient docker, string reference, CancellationToken ct)
    {
        try
        {
            return await docker.Images.InspectImageAsync(reference, ct);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>Reads the engine's push or pull stream: a failed push arrives as an error message, not an exception,
/// and the pushed digest arrives in the aux record (or, from older engines, in a status line).</summary>
/// <remarks>Synchronous on purpose: System.Progress&lt;T&gt; posts to the thread pool and could report after the push returned.</remarks>
public sealed partial class StreamProgress(string operation, string reference) : IProgress<JSONMessage>
{
    public string? Error { get; private set; }
    public string? Digest { get; private set; }

    public void Report(JSONMessage value)
    {
        if (value.Error?.Message is { Length: > 0 } error)
            Error ??= error;
        // A JsonElement's ToString is its string value, as a string's is itself.
        if (value.Aux?.ExtensionData is { } aux && aux.TryGetValue("Digest", out var digest) && digest?.ToString() is { } d)
            Digest = d;
        if (value.Status is { Length: > 0 } status)
        {
            if (Digest is null && StatusDigest().Match(status) is { Success: true } m)
                Digest = m.Groups[1].Value;
            if (value.ID is null || value.Progress is null)
                Log.Debug("{Operation} {Reference}: {Status}", operation, reference, status);
        }
    }

    [GeneratedRegex(@"digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex StatusDigest();
}
