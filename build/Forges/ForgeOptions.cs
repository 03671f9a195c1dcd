namespace TemplateFleet.Forges;

/// <summary>Where the pin pull requests go. A class, not a record: ToString must not print the token.</summary>
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

    public override string ToString() =>
        $"forge={Kind?.ToString() ?? "(detect)"} api={ApiUrl} repository={Repository} base={BaseBranch ?? "(default)"} token=***";
}

/// <summary>The forges the fleet's pull requests go to. Each has its own native client.</summary>
public enum ForgeKind
{
    Gitea,
    GitHub,
}
