using System.Text;

namespace TemplateFleet.PullRequests;

/// <summary>
/// The pull request of one bump (one input, one version): the data change and the lock always, the pins only when every
/// template it reaches passed every gate and was published. A bump that failed is work in progress: its title says so
/// (Gitea's "WIP:"; a draft on GitHub), it carries no pin, and its body names what failed.
/// </summary>
/// <param name="Moved">"codex 0.171.0 → 0.172.0".</param>
/// <param name="Release">What the run's Publish recorded per template (null: the run stopped before any image was built).</param>
/// <param name="DataFiles">The data and lock files as the bump wrote them.</param>
/// <param name="Failures">One line per failed gate or step, with its diagnostics; empty: every gate passed.</param>
public sealed record BumpProposal(ProposalKey Key, string Moved, string Source, string Published, ReleaseProposal? Release,
    IReadOnlyList<PinFileChange> DataFiles, IReadOnlyList<string> Failures) : IProposal
{
    /// <summary>The pin files before the run, by path; only what the pull request carries is checked against the base.</summary>
    public IReadOnlyDictionary<string, string?> PinsBefore { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> BuiltFrom => WorkInProgress || Release is null ? new Dictionary<string, string?>()
        : Release.Files.ToDictionary(f => f.Path, f => PinsBefore.GetValueOrDefault(f.Path), StringComparer.Ordinal);

    public bool WorkInProgress => Failures.Count > 0;

    public string Title => $"{(WorkInProgress ? PinProposer.WorkInProgressPrefix : "")}Bump {Moved}";

    public IReadOnlyList<PinFileChange> Files => WorkInProgress || Release is null ? DataFiles : [.. DataFiles, .. Release.Files];

    public string RenderBody()
    {
        var text = new StringBuilder($"Moves {ReleaseProposal.Cell(Moved)} ({ReleaseProposal.Cell(Source)}, published {Published}).\n\n");
        text.Append($"Data and lock: {string.Join(", ", DataFiles.Select(f => $"`{f.Path}`"))}.\n\n");
        if (WorkInProgress)
            text.Append("**Work in progress: not every gate passed, so this pull request carries no pin.** What failed:\n")
                .AppendJoin("", Failures.Select(failure => $"- {ReleaseProposal.Cell(failure)}\n")).Append('\n');
        Release?.AppendTemplates(text);
        return text.Append(WorkInProgress
            ? "\n<sub>Opened by Bump. The watch does not retry this version; a newer version of this input supersedes it. To retry this one, fix the cause and delete this branch (or run the bump again by hand).</sub>\n"
            : "\n<sub>Opened by Bump after every gate and the supply chain passed; a re-run for this version updates it, a newer version supersedes it.</sub>\n")
            .ToString();
    }
}
