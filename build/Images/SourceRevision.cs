using CliWrap;
using CliWrap.Buffered;

namespace TemplateFleet.Images;

/// <summary>Where the images come from: git commit (short/long), dirty state, remote URL or folder name.</summary>
/// <param name="CommitTime">Committer date of HEAD: the images' created label, so an unchanged tree rebuilds to identical images.</param>
public sealed record SourceRevision(string Tag, string? Commit, string Source, DateTimeOffset? CommitTime = null)
{
    /// <summary>Reads git state of the repository; "nogit" when it is not a repository or git is missing.</summary>
    public static SourceRevision Read(string repositoryRoot)
    {
        var commit = Git(repositoryRoot, "rev-parse", "HEAD");
        // Never an absolute path of this machine: the remote URL, else the repository folder's name.
        var source = PublishableRemote(Git(repositoryRoot, "remote", "get-url", "origin"))
            ?? Path.GetFileName(Path.GetFullPath(repositoryRoot).TrimEnd('/'));
        if (commit is null)
            return new SourceRevision("nogit", null, source);

        var dirty = Git(repositoryRoot, "status", "--porcelain", "--untracked-files=no") is { Length: > 0 };
        var time = DateTimeOffset.TryParse(Git(repositoryRoot, "log", "-1", "--format=%cI"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var committed) ? committed : (DateTimeOffset?)null;
        return new SourceRevision(commit[..12] + (dirty ? "-dirty" : ""), commit, source, time);
    }

    /// <summary>The remote as a label value, or null when it is a path on this machine (a clone of a local
    /// repository, as CI makes): a machine's path is no source anybody else can follow.</summary>
    internal static string? PublishableRemote(string? url) =>
        url is null || url.StartsWith('/') || url.StartsWith('.') || url.StartsWith('~')
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsFile)
            ? null
            : WithoutCredentials(url);

    // A remote URL may carry a token (https://user:token@host/...): it must never become a label.
    internal static string? WithoutCredentials(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : url;

    private static string? Git(string directory, params string[] args)
    {
        try
        {
            var result = Cli.Wrap("git").WithArguments(["-C", directory, .. args]).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync().Task.GetAwaiter().GetResult();
            return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
