using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.Publishing;

namespace TemplateFleet.Cascade;

/// <summary>
/// This run's results as the forge layer's <see cref="PinProposal"/>: per template the pin it had before and the
/// one Publish wrote, the agent version, both gates' totals and the shape T4 ran in, or why it kept its old pin;
/// and the pin files Publish wrote, read back so only complete, valid pins go into the pull request.
/// </summary>
public static class CascadeProposal
{
    /// <param name="pinsBefore">The pins as they were before Publish wrote new ones (null: never published).</param>
    public static PinProposal From(RunContext context, FleetRun run, IReadOnlyDictionary<string, Pin?> pinsBefore)
    {
        var templates = run.Templates.Select(t => new TemplateProposal(
            t.Name,
            OldDigest: pinsBefore.GetValueOrDefault(t.Name)?.Digest,
            NewDigest: Published(t) ? t.Publish!.Digest : null,
            Image: Published(t) ? t.Publish!.Image : null,
            AgentVersion: t.Template.Agent.Version,
            Smoke: Totals(t.Smoke),
            T4: Totals(t.T4),
            ProvisionerShape: t.T4?.Shape is { Length: > 0 } shape ? shape : null,
            KeptReason: Published(t) ? null : KeptReason(t))).ToList();
        var files = run.Templates.Where(Published).Select(t => PinFileOf(context, t)).ToList();
        return new PinProposal(run.Config.Runtime.Package, run.RuntimeVersion.ToString(), templates, files, context.Revision.Commit);
    }

    static bool Published(TemplateRun t) => t.Publish is { Status: PublishOutcome.Published, Digest: not null };

    static PinFileChange PinFileOf(RunContext context, TemplateRun t)
    {
        var file = t.Publish!.PinFile ?? PinFile.PathFor(t.Template);
        PinFile.Read(file);
        var relative = Path.GetRelativePath(context.Paths.Root, file).Replace('\\', '/');
        if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new FleetException($"{file} is outside the repository {context.Paths.Root}.");
        return new PinFileChange(relative, File.ReadAllText(file));
    }

    static GateTotals? Totals(GateResult? gate) =>
        gate is null ? null : new GateTotals(gate.Checks.Count(c => c.Passed), gate.Checks.Count(c => !c.Passed));

    static string KeptReason(TemplateRun t) => t switch
    {
        { Publish: { } publish } => publish.Reason,
        { Build: StageStatus.Failed } => $"build failed: {t.BuildFailure ?? "see its log"}",
        { Smoke: { Passed: false } smoke } => $"Smoke failed: {Failed(smoke)}",
        { T4: { Passed: false } t4 } => $"T4 conformance failed: {Failed(t4)}",
        _ => "Publish did not run",
    };

    static string Failed(GateResult gate) => gate.Error ?? string.Join(", ", gate.HardFailureIds);
}
