using Serilog;
using TemplateFleet.Cascade;
using TemplateFleet.Fleet;
using TemplateFleet.Forges;
using TemplateFleet.Host;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;

namespace TemplateFleet;

// The forge: where the pin pull request goes (Cascade) and where the watch starts the cascade (Watch). The
// parameters are forge-neutral; the old --git-hub-* names still work, the new ones win. Everything the forge
// can refuse is checked by the targets' Requires, before anything is built or pushed, and is a usage error (exit 2).
internal sealed partial class Build
{
    [Parameter("Forge kind: gitea or github; default: detected (Gitea answers GET <api>/version)")]
    readonly string? Forge;

    [Parameter("REST API root of the forge that receives the pin pull request (Gitea: https://<host>/api/v1; GitHub: https://api.github.com)")]
    readonly string? ForgeApiUrl;

    [Parameter("owner/name of the repository that receives the pin pull request")]
    readonly string? ForgeRepository;

    [Parameter("Token of a user who may push and open pull requests there (not the runner's automatic token)")]
    [Secret]
    readonly string? ForgeToken;

    [Parameter("Branch the pin pull request targets; default: the repository's default branch")]
    readonly string? ForgeBaseBranch;

    [Parameter("Old name of --forge-api-url")]
    readonly string? GitHubApiUrl;

    [Parameter("Old name of --forge-repository")]
    readonly string? GitHubRepository;

    [Parameter("Old name of --forge-token")]
    [Secret]
    readonly string? GitHubToken;

    IForge? forge;
    PinProposer? proposer;
    /// <summary>The pins as they were before this run's Publish, for the "old → new" of the pull request.</summary>
    IReadOnlyDictionary<string, Pin?>? pinsBefore;

    PinProposer Proposer => proposer ?? throw new FleetException("the forge was not checked: run Cascade or Watch, which check it before anything else.");

    /// <summary>A forge was named (the workflows always pass github.api_url): Bump then proposes its pull request.</summary>
    bool ForgeGiven => ForgeApiUrl is { Length: > 0 } || GitHubApiUrl is { Length: > 0 };

    /// <summary>Cascade's and CascadeBase's precondition, before anything is built or pushed: a forge refusal found only after
    /// Publish would leave pushed images and written pins without the pull request that carries them.</summary>
    void CascadeReady()
    {
        if (RequestedVersion is null)
            throw new FleetUsageException("Cascade needs --runtime-version: the version the runtime's release pipeline just published.");
        if (IndexTimeoutMinutes < 0 || IndexPollSeconds < 1)
            throw new FleetUsageException($"--index-timeout-minutes {IndexTimeoutMinutes} / --index-poll-seconds {IndexPollSeconds}: the wait must be at least 0 minutes and a look at least 1 s apart.");
        PreflightForge(ProposalKey.Runtime(RequestedVersion));
    }

    void WatchReady()
    {
        if (PackageIndex is not { Length: > 0 })
            throw new FleetUsageException("Watch needs --package-index (the PACKAGE_INDEX variable): the simple index whose newest runtime release it looks for.");
        PreflightForge(key: null);
    }

    /// <summary>Token, repository, push right, base branch, forge kind and version, and (with a key) that its pull request may be written.</summary>
    void PreflightForge(ProposalKey? key)
    {
        if (forge is not null)
            return; // checked already: Cascade and CascadeBase both require it
        try
        {
            var (api, apiName) = ForgeApiUrl is { Length: > 0 } ? (ForgeApiUrl, "--forge-api-url") : (GitHubApiUrl, "--git-hub-api-url");
            if (api is not { Length: > 0 })
                throw new FleetUsageException("the forge needs --forge-api-url (FORGE_API_URL; the workflows pass github.api_url): Gitea https://<host>/api/v1, GitHub https://api.github.com.");
            if (!Uri.TryCreate(api, UriKind.Absolute, out var apiUrl) || apiUrl.Scheme is not ("http" or "https"))
                throw new FleetUsageException($"{apiName} '{api}' is not an http(s) URL (for Gitea: https://<host>/api/v1).");
            var (repository, repositoryName) = ForgeRepository is { Length: > 0 } ? (ForgeRepository, "--forge-repository") : (GitHubRepository, "--git-hub-repository");
            if (repository is not { Length: > 0 } || repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
                throw new FleetUsageException($"the forge needs {repositoryName} as <owner>/<name> (the workflows pass github.repository); got '{repository}'.");
            var token = ForgeToken is { Length: > 0 } ? ForgeToken : GitHubToken;
            if (token is not { Length: > 0 })
                throw new FleetUsageException("the forge needs --forge-token (the FORGE_TOKEN secret): a token of a user who may push and open pull requests; it is never printed.");
            // An unknown --forge is a ForgeException, which the catch below turns into a usage error.
            var options = new ForgeOptions { ApiUrl = apiUrl, Repository = repository, Token = token, Kind = ForgeOptions.ParseKind(Forge), BaseBranch = ForgeBaseBranch is { Length: > 0 } b ? b : null };
            forge = options.OpenAsync(EnvironmentVariables, CancellationToken).GetAwaiter().GetResult();
            proposer = new PinProposer(forge, options.BaseBranch);
            proposer.PreflightAsync(key, CancellationToken).GetAwaiter().GetResult();
        }
        catch (ForgeException e)
        {
            throw new FleetUsageException(e.Message);
        }
    }

    /// <summary>The version's branch, made before anything is built: a second trigger sees the cascade has started.</summary>
    async Task MarkCascadeStartedAsync()
    {
        pinsBefore = PinFile.ReadAll(FleetLoader.LoadFleet(RootDirectory));
        var key = ProposalKey.Runtime(RequestedVersion!);
        var created = await Proposer.MarkStartedAsync(key, CancellationToken);
        ReportSummary(_ => _.AddPair("branch", $"{key.Branch} ({(created ? "made" : "there already")})"));
    }

    async Task WatchAsync()
    {
        var index = PackageIndex!;
        var fleet = FleetLoader.LoadFleet(RootDirectory);
        var newest = await new RuntimeVersionResolver(SourcesHttp, RuntimeVersionResolver.JsonApiBaseFromSimpleIndex(index), fleet.Runtime.Package).ResolveLatestAsync(CancellationToken);
        var trigger = new CascadeTrigger(forge!, Proposer, fleet.Inputs.RetakeAfter);
        var note = await trigger.WatchRuntimeAsync(newest, PinFile.ReadAll(fleet), index, CancellationToken);
        ReportSummary(_ => _.AddPair("runtime", note));

        var report = await ReadOutdatedAsync(fleet, KeepCurrent.UpstreamInputs.Of(fleet, FleetLoader.LoadTemplates(fleet, fleet.TemplateNames)), CancellationToken);
        foreach (var row in report.Failed)
            Log.Warning("Watch: {Input} not read: {Error}", row.Input.Name, row.Error);
        var bumps = await trigger.WatchBumpsAsync(report.Rows, index, CancellationToken);
        ReportSummary(_ => _.AddPair("bumps", bumps.Count == 0 ? "every input is current" : string.Join("; ", bumps.Select(b => $"{b.Key}: {b.Outcome}"))));
    }
}
