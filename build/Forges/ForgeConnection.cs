using TemplateFleet.Forges.Gitea;
using TemplateFleet.Forges.GitHub;

namespace TemplateFleet.Forges;

/// <summary>
/// Opens the forge the options name: the kind as given, or detected (Gitea answers GET &lt;api&gt;/version with its
/// version, GitHub has no such route and answers its API root instead). The Gitea version decides which calls the
/// client makes, and a Gitea older than 1.20 is refused with the version it reported.
/// </summary>
public static class ForgeConnection
{
    /// <param name="options">As the build's forge parameters make them: an http(s) API URL and a token (both refused there, as usage errors, when they are not).</param>
    /// <param name="environment">The process environment, to refuse the runner's automatic token before any request.</param>
    public static async Task<IForge> OpenAsync(ForgeOptions options, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        // Before any request: a token that is the value of a variable through which runners hand a job its automatic token.
        if (new[] { "GITHUB_TOKEN", "GITEA_TOKEN" }.FirstOrDefault(v => environment.TryGetValue(v, out var value) && value is { Length: > 0 } && value == options.Token) is { } variable)
            throw ForgeException.ActionsToken($"it is the value of {variable}");
        var root = options.ApiUrl.AbsoluteUri.EndsWith('/') ? options.ApiUrl : new Uri(options.ApiUrl.AbsoluteUri + "/");
        if (options.Kind != ForgeKind.GitHub && await GiteaVersionAsync(root, options, ct) is { } version)
            return new GiteaForge(new GiteaApi(root, options.Token, options.RequestTimeout), version, options.Owner, options.Name);
        return new GitHubForge(root, options.Token, options.Owner, options.Name, options.RequestTimeout);
    }

    /// <summary>The Gitea version, or null when the API is GitHub's; an API that is neither is a <see cref="ForgeException"/>.</summary>
    static async Task<GiteaVersion?> GiteaVersionAsync(Uri root, ForgeOptions options, CancellationToken ct)
    {
        using var api = new GiteaApi(root, options.Token, options.RequestTimeout);
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
        if (options.Kind == ForgeKind.Gitea)
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
}
