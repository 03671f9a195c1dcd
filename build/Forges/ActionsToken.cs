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

    /// <summary>Refuses a token that equals one of the runner's automatic-token variables. Runs before any request.</summary>
    public static void Check(string token, IReadOnlyDictionary<string, string> environment)
    {
        // The variables through which runners hand a job its automatic token.
        if (new[] { "GITHUB_TOKEN", "GITEA_TOKEN" }.FirstOrDefault(v => environment.TryGetValue(v, out var value) && value is { Length: > 0 } && value == token) is { } variable)
            throw new ForgeException(Refusal($"it is the value of {variable}"));
    }
}
