using System.Text.Json;
using System.Text.Json.Serialization;
using TemplateFleet.Fleet;

namespace TemplateFleet.KeepCurrent;

/// <summary>The pinned base's pending security upgrades (package names), or why there is nothing to look at.</summary>
public sealed record BaseSecurity(IReadOnlyList<string>? Pending, string Note);

/// <summary>One row of Outdated: the input, what data and pins hold, the policy's verdict on its source, or the source's error.</summary>
public sealed record OutdatedRow(UpstreamInput Input, PinnedVersion Pinned, PolicyVerdict? Verdict, string? Note, string? Error)
{
    /// <summary>A version a bump may take now.</summary>
    public string? Bumpable => Error is null && Input.Reach != InputReach.Runtime ? Verdict?.Allowed?.Version : null;
}

/// <summary>Every input, read and judged at one moment.</summary>
public sealed record OutdatedReport(IReadOnlyList<OutdatedRow> Rows, DateTimeOffset ReadAt)
{
    public IEnumerable<OutdatedRow> Failed => Rows.Where(r => r.Error is not null);

    public static readonly string[] Columns = ["input", "source", "data", "pins", "newest allowed", "newest seen", "age", "why newer waits"];

    /// <summary>The table as text (also markdown): one row per input.</summary>
    public string Table() => string.Concat(new[] { Columns, [.. Columns.Select(_ => "---")] }.Concat(Rows.Select(Cells))
        .Select(row => $"| {string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))} |\n"));

    string[] Cells(OutdatedRow row)
    {
        var input = row.Input;
        var pins = (row.Pinned.Version ?? "no pin") + (row.Pinned.Flag is { } flag ? $" ⚠ {flag}" : "");
        if (row.Error is { } error)
            return [input.Name, input.Describe, input.Current ?? "—", pins, "unreadable", "", "", error];
        var verdict = row.Verdict!;
        var allowed = verdict.Allowed?.Version ?? (input.Current is null ? "—" : "current");
        var seen = verdict.NewestSeen?.Version ?? "—";
        var age = verdict.NewestSeen is { } newest ? newest.PublishedAt is { } at ? VersionPolicy.Age(ReadAt - at) : "no publish time" : "";
        var why = verdict.WhyWaiting(input.Scheme);
        if (row.Note is { Length: > 0 } note)
            why = why.Length == 0 ? note : $"{why}; {note}";
        return [input.Name, input.Describe, input.Current ?? "—", pins, allowed, seen, age, why];
    }

    /// <summary>The machine-readable form the watch reads (output/reports/outdated.json).</summary>
    public string Json() => JsonSerializer.Serialize(new
    {
        readAt = ReadAt,
        inputs = Rows.Select(r => new
        {
            input = r.Input.Name,
            source = r.Input.Source.ToString(),
            package = r.Input.Package,
            reach = r.Input.Reach.ToString(),
            watched = r.Input.Policy.Watch,
            data = r.Input.Current,
            pins = r.Pinned.Version,
            pinFlag = r.Pinned.Flag,
            allowed = r.Verdict?.Allowed?.Version,
            allowedPublishedAt = r.Verdict?.Allowed?.PublishedAt,
            newestSeen = r.Verdict?.NewestSeen?.Version,
            newestSeenPublishedAt = r.Verdict?.NewestSeen?.PublishedAt,
            waiting = r.Verdict?.Waiting(r.Input.Scheme).Select(h => new { version = h.Version, kind = h.Hold.Kind.ToString(), reason = h.Hold.Text }),
            note = r.Note,
            error = r.Error,
        }),
    }, JsonOptions);

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}

/// <summary>
/// Reads every input's source and applies its policy (README "Keeping the fleet current"). A source that cannot be
/// read is that row's error, never the end of the others. The clock is a parameter, so tests are deterministic.
/// </summary>
public sealed class Outdated(IUpstreamSources sources, TimeProvider clock)
{
    /// <summary>How many times a deprecated candidate makes npm be asked about the next one.</summary>
    const int DeprecationLookups = 5;

    /// <param name="pins">What the pins record per input name.</param>
    /// <param name="security">The pinned base's pending security upgrades; asked only for the security input.</param>
    public async Task<OutdatedReport> ReadAsync(IReadOnlyList<UpstreamInput> inputs, IReadOnlyDictionary<string, PinnedVersion> pins,
        Func<CancellationToken, Task<BaseSecurity>>? security, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return new OutdatedReport(await Task.WhenAll(inputs.Select(input => RowAsync(input, pins.GetValueOrDefault(input.Name) ?? PinnedVersion.None, security, now, ct))), now);
    }

    /// <summary>One input's source read and the verdict on it: the policy applied, npm's deprecations looked up for the candidates.</summary>
    public async Task<(SourceReading Reading, PolicyVerdict Verdict)> ReadAndJudgeAsync(UpstreamInput input, DateTimeOffset now, CancellationToken ct)
    {
        var reading = await sources.ReadAsync(input, ct);
        var releases = reading.Releases.ToList();
        var verdict = VersionPolicy.Evaluate(input.Scheme, input.Current ?? "", releases, input.Policy, now, reading.Latest);
        for (var i = 0; i < DeprecationLookups && verdict.Allowed is { } candidate; i++)
        {
            if (await sources.RefusalAsync(input, candidate.Version, ct) is not { } refusal)
                break;
            releases[releases.IndexOf(candidate)] = candidate with { Refused = refusal };
            verdict = VersionPolicy.Evaluate(input.Scheme, input.Current ?? "", releases, input.Policy, now, reading.Latest);
        }
        return (reading with { Releases = releases }, verdict);
    }

    /// <summary>
    /// The input and the version a bump may take. An explicit version must be on the source and allowed by the policy
    /// (or be the data's own: a re-lock); without one, the newest the policy allows (null: nothing to move). Every
    /// refusal is a usage error, one line, before anything is written.
    /// </summary>
    public async Task<BumpRequest?> ResolveBumpAsync(IReadOnlyList<UpstreamInput> inputs, string name, string? version, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var input = UpstreamInputs.Named(inputs, name);
        if (input.Reach == InputReach.Runtime)
            throw new FleetUsageException($"--input {name}: the runtime moves through Cascade (./build.sh Cascade --runtime-version <version>; Watch starts it), not Bump.");
        if (version is not null && !input.Scheme.IsValid(version))
            throw new FleetUsageException($"--input-version '{Printable.Of(version)}' is not a version of {input.Name} ({input.Describe}); example: {input.Current}.");

        PolicyVerdict verdict;
        SourceReading reading;
        try
        {
            (reading, verdict) = await ReadAndJudgeAsync(input, now, ct);
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

    async Task<OutdatedRow> RowAsync(UpstreamInput input, PinnedVersion pinned, Func<CancellationToken, Task<BaseSecurity>>? security, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var (_, verdict) = await ReadAndJudgeAsync(input, now, ct);
            string? note = input.Reach == InputReach.Runtime ? "moved by Cascade (Watch starts it), not by Bump" : null;
            if (input.Source == InputSource.SecurityArchive)
            {
                // A newer archive alone is no reason to rebuild the fleet: the pinned base must lack one of its fixes.
                var state = security is null ? new BaseSecurity(null, "pending upgrades not checked") : await security(ct);
                note = state.Note;
                if (state.Pending is not { Count: > 0 })
                    verdict = verdict with { Allowed = null };
            }
            if (!input.Policy.Watch)
                note = note is null ? "not watched (policy watch: false)" : $"{note}; not watched";
            return new OutdatedRow(input, pinned, verdict, note, null);
        }
        catch (FleetException e)
        {
            return new OutdatedRow(input, pinned, null, null, e.Message.ReplaceLineEndings(" "));
        }
    }
}
