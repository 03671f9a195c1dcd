using System.Text;
using TemplateFleet.Forges;

namespace TemplateFleet.PullRequests;

/// <summary>Passed and failed checks of one gate for one template.</summary>
public sealed record GateTotals(int Passed, int Failed)
{
    public override string ToString() => Failed == 0 ? $"{Passed}/{Passed + Failed}" : $"{Passed}/{Passed + Failed} ({Failed} failed)";
}

/// <summary>
/// One template in a pin proposal, as a reviewer reads it. <see cref="KeptReason"/> set: the template failed and
/// keeps its old pin. <see cref="SbomChange"/>: one line on what changed in the image's SBOM, filled by the
/// supply-chain checks when they ran.
/// </summary>
public sealed record TemplateProposal(
    string Template,
    string? OldDigest,
    string? NewDigest,
    string? Image = null,
    string? AgentVersion = null,
    GateTotals? Smoke = null,
    GateTotals? T4 = null,
    string? ProvisionerShape = null,
    string? KeptReason = null,
    string? SbomChange = null)
{
    public bool Published => KeptReason is null && NewDigest is not null;
}

/// <summary>A pin file for the branch: its path from the repository root ('/'-separated) and its full content.</summary>
public sealed record PinFileChange(string Path, string Content);

/// <summary>
/// Everything one pin pull request carries, independent of how the build produced it: the runtime, per template
/// what was published or kept and why, and the pin files to propose. The cascade fills it from its run; a pins job
/// can fill it from results files.
/// </summary>
/// <param name="Release">Null: the pull request of the runtime version (the cascade). Else the key of a release that is
/// not a runtime bump (the publish workflow on a push: its source revision), with a branch and title of its own, so
/// that a merged runtime pull request never stops a later release of the same runtime.</param>
public sealed record PinProposal(
    string RuntimePackage,
    string RuntimeVersion,
    IReadOnlyList<TemplateProposal> Templates,
    IReadOnlyList<PinFileChange> Files,
    string? SourceRevision = null,
    string? RunUrl = null,
    string? Release = null)
{
    /// <summary>The branch of this runtime version's pull request: one per version, found by this name alone.</summary>
    public static string BranchFor(string runtimeVersion) => $"cascade/runtime-{runtimeVersion}";

    public static string TitleFor(string runtimeVersion) => $"Bump workspace runtime to {runtimeVersion}";

    /// <summary>The branch of a release's own pull request: one per release key, found by this name alone.</summary>
    public static string ReleaseBranchFor(string release) => $"pins/{release}";

    public string Branch => Release is { } release ? ReleaseBranchFor(release) : BranchFor(RuntimeVersion);

    public string Title => Release is { } release ? $"Pin the images released from {release} (runtime {RuntimeVersion})" : TitleFor(RuntimeVersion);

    /// <summary>What the pull request is for, in messages: "runtime 1.2.3" or "release 0123456789ab".</summary>
    public string Subject => Release is { } release ? $"release {release}" : $"runtime {RuntimeVersion}";

    /// <summary>Refuses paths that could land outside the pins: absolute, '..', backslashes, empty parts.</summary>
    public void Validate()
    {
        foreach (var file in Files)
        {
            if (file.Path.Length == 0 || file.Path.StartsWith('/') || file.Path.Contains('\\') || file.Path.Split('/').Any(p => p is "" or "." or ".."))
                throw new ForgeException($"pin file path '{file.Path}' must be relative to the repository root, with '/' between its parts.");
        }
        if (Files.Select(f => f.Path).Distinct(StringComparer.Ordinal).Count() != Files.Count)
            throw new ForgeException("the proposal names one pin file twice.");
    }

    /// <summary>
    /// The message of the one commit on the branch. It names the pins it changes and the base commit it was made
    /// on, so a later run can tell that the branch is already exactly that and leave it (and its gates run) alone.
    /// </summary>
    public string CommitMessage(IEnumerable<string> paths, string baseSha) => $"{Title}\n\nPins: {string.Join(", ", paths)}\nBase: {baseSha}";

    /// <summary>The pull request's description: a table per template, the kept ones with their reasons.</summary>
    public string RenderBody()
    {
        var text = new StringBuilder();
        text.Append($"Runtime `{RuntimePackage}` **{RuntimeVersion}**");
        if (SourceRevision is { Length: > 0 } revision)
            text.Append($", built from `{revision}`");
        if (RunUrl is { Length: > 0 } run)
            text.Append($" ([run]({run}))");
        text.Append(".\n\n");
        text.Append("| template | pin | agent | smoke | T4 | provisioner shape |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var t in Templates)
        {
            var pin = t.Published ? $"{Digest(t.OldDigest)} → {Digest(t.NewDigest)}" : $"kept {Digest(t.OldDigest)}";
            text.Append($"| {Cell(t.Template)} | {pin} | {Cell(t.AgentVersion ?? "")} | {t.Smoke?.ToString() ?? "—"} | {t.T4?.ToString() ?? "—"} | {Cell(t.ProvisionerShape ?? "—")} |\n");
        }
        var published = Templates.Where(t => t.Published && t.Image is not null).ToList();
        if (published.Count > 0)
        {
            text.Append("\nPinned images:\n");
            foreach (var t in published)
                text.Append($"- {Cell(t.Template)}: `{t.Image}@{t.NewDigest}`\n");
        }
        var kept = Templates.Where(t => !t.Published).ToList();
        if (kept.Count > 0)
        {
            text.Append("\nKept on their old pins (retried by the next run for this version):\n");
            foreach (var t in kept)
                text.Append($"- {Cell(t.Template)}: {Cell(t.KeptReason ?? "not published")}\n");
        }
        var sbom = Templates.Where(t => t.SbomChange is { Length: > 0 }).ToList();
        if (sbom.Count > 0)
        {
            text.Append("\nWhat changed in the SBOM:\n");
            foreach (var t in sbom)
                text.Append($"- {Cell(t.Template)}: {Cell(t.SbomChange!)}\n");
        }
        text.Append("\n<sub>Opened by the cascade and rewritten by every run for this version. The cascade leaves this pull request alone once a person closes it or commits to its branch.</sub>\n");
        return text.ToString();
    }

    // A digest in a table: the algorithm and 12 hex digits are enough to tell two apart; the list above has it whole.
    static string Digest(string? digest) => digest switch
    {
        null or "" => "(none)",
        _ when digest.IndexOf(':') is var i and > 0 && digest.Length > i + 13 => $"`{digest[..(i + 13)]}…`",
        _ => $"`{digest}`",
    };

    // A value may hold pipes or several lines; either would break the table row or the list item.
    static string Cell(string value) => value.ReplaceLineEndings(" ").Replace("|", "\\|").Trim();
}
