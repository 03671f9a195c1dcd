namespace TemplateFleet.PullRequests;

/// <summary>
/// What <see cref="PinProposer"/> writes as the one pull request of its <see cref="Key"/>: a release's pins
/// (<see cref="ReleaseProposal"/>) or a bump's data, lock and pins (<see cref="BumpProposal"/>).
/// </summary>
public interface IProposal
{
    ProposalKey Key { get; }

    string Title { get; }

    /// <summary>The files of the branch, whole; a file equal to the base's is left out.</summary>
    IReadOnlyList<PinFileChange> Files { get; }

    /// <summary>Work in progress (a bump whose gates failed): the title starts with <see cref="PinProposer.WorkInProgressPrefix"/>, and GitHub opens it as a draft.</summary>
    bool WorkInProgress => false;

    /// <summary>
    /// The pin files as they were when the run started (path to content, null: none), which the base branch must still
    /// hold: a pin that changed on the base meanwhile (another bump or a cascade merged first) is never written over.
    /// </summary>
    IReadOnlyDictionary<string, string?> BuiltFrom => new Dictionary<string, string?>();

    string RenderBody();
}
