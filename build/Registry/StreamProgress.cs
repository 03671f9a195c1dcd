using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Serilog;

namespace TemplateFleet.Registry;

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
