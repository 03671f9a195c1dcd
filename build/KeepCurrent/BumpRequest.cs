using TemplateFleet.Fleet;

namespace TemplateFleet.KeepCurrent;

/// <summary>One input moved to one version: what Bump changes and rebuilds, settled before anything is written.</summary>
/// <param name="Release">The version as its source offers it (publish time, security fix).</param>
public sealed record BumpRequest(UpstreamInput Input, string Version, UpstreamRelease Release)
{
    /// <summary>"codex 0.130.0 → 0.171.0".</summary>
    public string Subject => Input.Current == Version ? $"{Input.Name} {Version} (lock refreshed)" : $"{Input.Name} {Input.Current ?? "(none)"} → {Version}";

    /// <summary>True when the data already holds the version: only the lock is written again.</summary>
    public bool Relock => Input.Current == Version;

    /// <summary>
    /// The input and the version a bump may take. An explicit version must be on the source and allowed by the policy
    /// (or be the data's own: a re-lock); without one, the newest the policy allows (null: nothing to move). Every
    /// refusal is a usage error, one line, before anything is written.
    /// </summary>
    public static async Task<BumpRequest?> ResolveAsync(IReadOnlyList<UpstreamInput> inputs, string name, string? version, Outdated outdated,
        IUpstreamSources sources, DateTimeOffset now, CancellationToken ct)
    {
        var input = UpstreamInputs.Named(inputs, name);
        if (input.Reach == InputReach.Runtime)
            throw new FleetUsageException($"--input {name}: the runtime moves through Cascade (./build.sh Cascade --runtime-version <version>; Watch starts it), not Bump.");
        if (version is not null && !input.Scheme.IsValid(version))
            throw new FleetUsageException($"--input-version '{Printable.Of(version)}' is not a version of {input.Name} ({input.Describe}); example: {input.Current}.");

        PolicyVerdict verdict;
        SourceReading reading;
        try
        {
            (reading, verdict) = await outdated.ReadAndJudgeAsync(input, now, ct);
        }
        catch (FleetException e)
        {
            throw new FleetUsageException($"--input {name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        if (version is null)
            return verdict.Allowed is { } allowed ? new BumpRequest(input, allowed.Version, allowed) : null;

        var release = reading.Releases.FirstOrDefault(r => r.Version == version)
            ?? throw new FleetUsageException($"--input-version {version}: {input.Describe} has no such version (newest allowed: {verdict.Allowed?.Version ?? input.Current ?? "none"}).");
        if (version == input.Current)
            return new BumpRequest(input, version, release);
        // A platform build or prerelease of the current version orders below it, but what refuses it is what it is.
        if (input.Current is not null && input.Scheme.IsValid(input.Current) && input.Scheme.Compare(version, input.Current) < 0 && input.Scheme.Intrinsic(version) is null)
            throw new FleetUsageException($"--input-version {version} is older than {input.Name}'s {input.Current} ({input.Data}): a bump never goes backwards; to leave a version, skip it in the policy.");
        var refusal = verdict.Held.FirstOrDefault(h => h.Version == version)?.Hold
            ?? VersionPolicy.HoldOf(input.Scheme, input.Current ?? "", release, input.Policy, now, reading.Latest)
            ?? await sources.RefusalAsync(input, version, ct);
        if (refusal is not null)
            throw new FleetUsageException($"--input-version {version}: {input.Name}'s policy holds it back ({refusal.Text}); take the newest it allows ({verdict.Allowed?.Version ?? "none: " + input.Name + " is current"}), or change the policy ({input.Data.File}).");
        return new BumpRequest(input, version, release);
    }
}
