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
        ActionsToken.Check(options.Token, environment);
        var root = options.ApiUrl.AbsoluteUri.EndsWith('/') ? options.ApiUrl : new Uri(options.ApiUrl.AbsoluteUri + "/");
        if (options.Kind == ForgeKind.GitHub)
            return new GitHubForge(root, options.Token, options.Owner, options.Name, options.RequestTimeout);

        var api = new GiteaApi(root, options.Token, options.RequestTimeout);
        try
        {
            var version = await GiteaVersionAsync(api, options, ct);
            if (version is not null)
            {
                if (version.Number < GiteaVersion.Minimum)
                    throw new ForgeException($"Gitea {version} at {api.Root} is too old: the cascade needs Gitea {GiteaVersion.Minimum.ToString(2)} or later (POST /contents with several files). Upgrade Gitea.");
                return new GiteaForge(api, version, options.Owner, options.Name);
            }
            if (!await LooksLikeGitHubAsync(api, ct))
                throw new ForgeException($"{api.Root} answers neither as Gitea (GET /version) nor as GitHub (its API root): check the forge API URL parameter (Gitea: https://<host>/api/v1, GitHub Enterprise: https://<host>/api/v3).");
            api.Dispose();
            return new GitHubForge(root, options.Token, options.Owner, options.Name, options.RequestTimeout);
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>The Gitea version, or null when the API is not Gitea's.</summary>
    static async Task<GiteaVersion?> GiteaVersionAsync(GiteaApi api, ForgeOptions options, CancellationToken ct)
    {
        var response = await api.GetAsync("version", ct);
        if (response.Status == 401)
            throw new ForgeException($"the forge at {api.Root} refused the token (HTTP 401 on GET /version: {response.Message}): check the forge token parameter (FORGE_TOKEN); it is never printed.");
        if (response.Status == 200 && response.TryRead<VersionJson>()?.Version is { } text)
            return GiteaVersion.Parse(text);
        if (options.Kind == ForgeKind.Gitea)
            throw new ForgeException($"{api.Root} does not answer GET /version as Gitea does (HTTP {response.Status}): check the forge API URL parameter (Gitea: https://<host>/api/v1).");
        return null;
    }

    sealed record VersionJson(string? Version);

    // rest/meta/meta#github-api-root: the root lists current_user_url among its hypermedia links.
    static async Task<bool> LooksLikeGitHubAsync(GiteaApi api, CancellationToken ct)
    {
        var response = await api.GetAsync("", ct);
        if (response.Status == 401)
            throw new ForgeException($"the forge at {api.Root} refused the token (HTTP 401: {response.Message}): check the forge token parameter (FORGE_TOKEN); it is never printed.");
        return response.Status == 200 && response.Text.Contains("\"current_user_url\"", StringComparison.Ordinal);
    }
}
