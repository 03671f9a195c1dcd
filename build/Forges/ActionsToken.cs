namespace TemplateFleet.Forges;

/// <summary>
/// The runner's automatic Actions token must not open the pin pull request: both forges start no workflow for
/// events it causes, so the pull request would never get its gates run. It is recognised three ways: it is the
/// value of the runner's GITHUB_TOKEN or GITEA_TOKEN variable; Gitea reports its user as gitea-actions; GitHub
/// refuses GET /user for it (an installation token, "Resource not accessible by integration").
/// </summary>
public static class ActionsToken
{
    public static string Refusal(string how) =>
        $"the forge token is the runner's automatic Actions token ({how}): a pull request opened with it starts no gates run, so it could never be reviewed green. "
        + "Set the FORGE_TOKEN secret to a token of a user who may push and open pull requests in the repository.";
}
