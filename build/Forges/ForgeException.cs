using TemplateFleet.Fleet;

namespace TemplateFleet.Forges;

/// <summary>
/// A forge refused or could not do something, in one line that says what to do. Messages never carry the token:
/// it only ever travels in the Authorization header.
/// </summary>
public class ForgeException(string message, Exception? inner = null) : FleetException(message, inner)
{
    /// <summary>The words for a branch that moved under a run.</summary>
    public static ForgeException BranchMoved(string branch) =>
        new($"branch {branch} moved while this run was writing it (another run, or a person): it was left as it is; run it again.");
}

/// <summary>An open pull request for the same head and base exists already (Gitea 409, GitHub 422).</summary>
public sealed class PullRequestExistsException(string message) : ForgeException(message);
