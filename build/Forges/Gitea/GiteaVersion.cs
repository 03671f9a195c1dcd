using System.Text.RegularExpressions;

namespace TemplateFleet.Forges.Gitea;

/// <summary>
/// The version GET /version reports, and what each version can do. Gitea answers "1.24.3", "1.26.0+dev-12-gabc"
/// or "1.22.0-rc1"; Forgejo answers "11.0.1+gitea-1.22.0", whose Gitea part is what its API follows.
/// </summary>
public sealed partial record GiteaVersion(Version Number, string Text)
{
    /// <summary>POST /contents with several files and new_branch (the cascade's way to write pins) is 1.20's.</summary>
    public static readonly Version Minimum = new(1, 20, 0);

    public static GiteaVersion Parse(string text) => Numbers().Match(text) is { Success: true } match
        ? new GiteaVersion(Version.Parse(match.Groups[1].Value), text)
        : throw new ForgeException($"the forge answered GET /version with '{text}', which is no Gitea version.");

    /// <summary>force_push on the contents routes (go-gitea/gitea#35592): a branch can be rebuilt in place.</summary>
    public bool HasForcePush => Number >= new Version(1, 26, 0);

    /// <summary>POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches.</summary>
    public bool HasWorkflowDispatchApi => Number >= new Version(1, 24, 0);

    public override string ToString() => Text;

    // The Gitea part after "+gitea-" when there is one, else the leading version.
    [GeneratedRegex(@"^(?:.*\+gitea-v?|v?)(\d+\.\d+\.\d+)")]
    private static partial Regex Numbers();
}
