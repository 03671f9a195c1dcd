using TemplateFleet.Forges.Gitea;
using TemplateFleet.Forges.GitHub;

namespace TemplateFleet.Forges;

/// <summary>
/// Where the pin pull requests go, as the build's forge parameters make them (an http(s) API URL and a token, both refused
/// there, as usage errors, when they are not), and the forge they open: the kind as given, or detected (Gitea answers
/// GET &lt;api&gt;/version with its version, GitHub has no such route and answers its API root instead). The Gitea version
/// decides which calls the client makes, and a Gitea older than 1.20 is refused with the version it reported.
/// A class, not a record: ToString must not print the token.
/// </summary>
public sealed class ForgeOptions
{
    /// <summary>The REST API root: Gitea https://host/api/v1, GitHub https://api.github.com, GitHub Enterprise https://host/api/v3.</summary>
    public required Uri ApiUrl { get; init; }

    /// <summary>owner/name of the fleet repository.</summary>
    public required string Repository { get; init; }

    /// <summary>Secret: sent only in the Authorization header, never logged or put in a message.</summary>
    public required string Token { get; init; }

    /// <summary>Null: detected (Gitea answers GET /version, GitHub does not).</summary>
    public ForgeKind? Kind { get; init; }

    /// <summary>Null: the repository's default branch.</summary>
    public string? BaseBranch { get; init; }

    /// <summary>How long one request may take; preflight fails within a few of these when the forge does not answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Of <see cref="Repository"/>, whose shape the build's parameters check.</summary>
    public string Owner => Repository.Split('/')[0];

    public string Name => Repository.Split('/')[1];

    /// <summary>"gitea" or "github" (any case); null, empty or "auto": detect from the API.</summary>
    public static ForgeKind? ParseKind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "gitea" => ForgeKind.Gitea,
        "github" => ForgeKind.GitHub,
        _ => throw new ForgeException($"--forge: forge kind '{value}' is unknown: use gitea or github, or leave it unset to detect it."),
    };

    /// <param name="environment">The process environment, to refuse the runner's automatic token before any request.</param>
    public async Task<IForge> OpenAsync(IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        // Before any request: a token that is the value of a variable through which runners hand a job its automatic token.
        if (new[] { "GITHUB_TOKEN", "GITEA_TOKEN" }.FirstOrDefault(v => environment.TryGetValue(v, out var value) && value is { Length: > 0 } && value == Token) is { } variable)
            throw ForgeException.ActionsToken($"it is the value of {variable}");
        var root = ApiUrl.AbsoluteUri.EndsWith('/') ? ApiUrl : new Uri(ApiUrl.AbsoluteUri + "/");
        if (Kind != ForgeKind.GitHub && await GiteaVersionAsync(root, ct) is { } version)
            return new GiteaForge(new GiteaApi(root, Token, RequestTimeout), version, Owner, Name);
        return new GitHubForge(root, Token, Owner, Name, RequestTimeout);
    }

    /// <summary>The Gitea version, or null when the API is GitHub's; an API that is neither is a <see cref="ForgeException"/>.</summary>
    async Task<GiteaVersion?> GiteaVersionAsync(Uri root, CancellationToken ct)
    {
        using var api = new GiteaApi(root, Token, RequestTimeout);
        var response = await api.GetAsync("version", ct);
        if (response.Status == 401)
            throw new ForgeException($"the forge at {root} refused the token (HTTP 401 on GET /version: {response.Message}): check the forge token parameter (FORGE_TOKEN); it is never printed.");
        if (response.Status == 200 && response.TryRead<VersionJson>()?.Version is { } text)
        {
            var version = GiteaVersion.Parse(text);
            return version.Number >= GiteaVersion.Minimum
                ? version
                : throw new ForgeException($"Gitea {version} at {root} is too old: the cascade needs Gitea {GiteaVersion.Minimum.ToString(2)} or later (POST /contents with several files). Upgrade Gitea.");
        }
        if (Kind == ForgeKind.Gitea)
            throw new ForgeException($"{root} does not answer GET /version as Gitea does (HTTP {response.Status}): check the forge API URL parameter (Gitea: https://<host>/api/v1).");

        // rest/meta/meta#github-api-root: the root lists current_user_url among its hypermedia links.
        var apiRoot = await api.GetAsync("", ct);
        if (apiRoot.Status == 401)
            throw new ForgeException($"the forge at {root} refused the token (HTTP 401: {apiRoot.Message}): check the forge token parameter (FORGE_TOKEN); it is never printed.");
        if (apiRoot.Status != 200 || !apiRoot.Text.Contains("\"current_user_url\"", StringComparison.Ordinal))
            throw new ForgeException($"{root} answers neither as Gitea (GET /version) nor as GitHub (its API root): check the forge API URL parameter (Gitea: https://<host>/api/v1, GitHub Enterprise: https://<host>/api/v3).");
        return null;
    }

    sealed record VersionJson(string? Version);

    public override string ToString() =>
        $"forge={Kind?.ToString() ?? "(detect)"} api={ApiUrl} repository={Repository} base={BaseBranch ?? "(default)"} token=***";
}

/// <summary>The forges the fleet's pull requests go to. Each has its own native client.</summary>
public enum ForgeKind
{
    Gitea,
    GitHub,
}
