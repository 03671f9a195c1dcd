using TemplateFleet.PackageIndex;

namespace TemplateFleet.PullRequests;

/// <summary>What a pull request proposes: a new runtime (Cascade), or the images of one release (a push to main).</summary>
public enum ProposalKind
{
    Runtime,
    Release,

    /// <summary>One upstream input moved to one version (Bump): the subject is the input's name.</summary>
    Bump,
}

/// <summary>
/// Which pull request a proposal is: one per key, found by its <see cref="Branch"/> alone, so a re-run updates the same
/// one and a merged one is never opened again. <see cref="Version"/> is whatever identifies the proposal within its kind
/// (a runtime version, a release's revision; an npm or Debian version for the bumps of other inputs), never parsed here.
/// To add a kind: a member of <see cref="ProposalKind"/>, its factory, and its branch below.
/// </summary>
/// <param name="Subject">What moves, in messages: "runtime", "release", or a bumped input's name ("codex", "node").</param>
public sealed record ProposalKey(ProposalKind Kind, string Subject, string Version)
{
    public static ProposalKey Runtime(Pep440Version version) => new(ProposalKind.Runtime, "runtime", version.ToString());

    /// <param name="release">The release's source revision, 12 hex digits.</param>
    public static ProposalKey Release(string release) => new(ProposalKind.Release, "release", release);

    /// <param name="version">Any version the input's source spells; characters a branch name cannot hold (a Debian epoch's ':', '~') become '_'.</param>
    public static ProposalKey Bump(string input, string version) => new(ProposalKind.Bump, input, version);

    /// <summary>The one place a proposal's branch is named.</summary>
    public string Branch => Kind switch
    {
        ProposalKind.Runtime => $"cascade/runtime-{Version}",
        ProposalKind.Bump => $"{BumpBranches(Subject)}{string.Concat(Version.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_' ? c : '_'))}",
        _ => $"pins/{Version}",
    };

    /// <summary>Where every bump branch of <paramref name="input"/> lives ("bump/codex/"): the versions of one input are found by this prefix, and no other input's share it.</summary>
    public static string BumpBranches(string input) => $"bump/{input}/";

    /// <summary>"runtime 1.2.3", "release 0123456789ab".</summary>
    public override string ToString() => $"{Subject} {Version}";
}
