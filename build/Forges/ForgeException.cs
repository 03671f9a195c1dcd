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

    /// <summary>
    /// The runner's automatic Actions token must not open the pin pull request: both forges start no workflow for
    /// events it causes, so the pull request would never get its gates run. It is recognised three ways: it is the
    /// value of the runner's GITHUB_TOKEN or GITEA_TOKEN variable; Gitea reports its user as gitea-actions; GitHub
    /// refuses GET /user for it (an installation token, "Resource not accessible by integration").
    /// </summary>
    public static ForgeException ActionsToken(string how) =>
        new($"the forge token is the runner's automatic Actions token ({how}): a pull request opened with it starts no gates run, so it could never be reviewed green. "
            + "Set the FORGE_TOKEN secret to a token of a user who may push and open pull requests in the repository.");
}

/// <summary>An open pull request for the same head and base exists already (Gitea 409, GitHub 422).</summary>
public sealed class PullRequestExistsException(string message) : ForgeException(message);
