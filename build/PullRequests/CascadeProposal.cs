using TemplateFleet.Results;

namespace TemplateFleet.PullRequests;

/// <summary>
/// A release, as its jobs' results tell it (<see cref="ReleaseProposal"/>), in the forge layer's terms: per template
/// the pin it had before and the one Publish wrote, the agent version, both gates' totals and the shape T4 ran in,
/// or why it kept its old pin; and the pin files (the base's first when it was published).
/// </summary>
public static class CascadeProposal
{
    /// <param name="release">Null: the runtime version's pull request (Cascade); else the key of the release's own pull request (publish).</param>
    public static PinProposal From(ReleaseProposal release, string? releaseKey = null)
    {
        var templates = release.Templates.Select(t => new TemplateProposal(
            t.Template,
            OldDigest: t.OldPin?.Digest,
            NewDigest: t.Published ? t.Pin!.Digest : null,
            Image: t.Published ? t.Pin!.Image : null,
            AgentVersion: t.AgentVersion,
            Smoke: Totals(t.Smoke),
            T4: Totals(t.T4),
            ProvisionerShape: t.T4?.Shape is { Length: > 0 } shape ? shape : null,
            KeptReason: t.Published ? null : t.Status == PublishStatus.Unchanged ? $"unchanged: {t.Reason}" : t.Reason,
            SbomChange: t.Published ? t.SbomChange : null)).ToList();
        var files = release.Files.Select(f => new PinFileChange(f.Path, f.Content)).ToList();
        return new PinProposal(release.RuntimePackage, release.RuntimeVersion, templates, files, release.Revision, Release: releaseKey);
    }

    static GateTotals? Totals(GateResult? gate) =>
        gate is null ? null : new GateTotals(gate.PassedChecks, gate.Checks.Count - gate.PassedChecks);
}
