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

    public string Owner => Parts[0];

    public string Name => Parts[1];

    string[] Parts => Repository.Split('/') is [{ Length: > 0 } owner, { Length: > 0 } name]
        ? [owner, name]
        : throw new ForgeException($"repository '{Repository}' must be <owner>/<name>.");

    public override string ToString() =>
        $"forge={Kind?.ToString() ?? "(detect)"} api={ApiUrl} repository={Repository} base={BaseBranch ?? "(default)"} token=***";
}
