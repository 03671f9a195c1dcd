namespace TemplateFleet.Cascade;

/// <summary>Cascade's parameters. A class, not a record: ToString must not print the token.</summary>
public sealed class CascadeOptions
{
    /// <summary>The runtime version the release pipeline published.</summary>
    public required string RuntimeVersion { get; init; }
    /// <summary>Root of the index's JSON API (the part before /pypi/...).</summary>
    public required Uri IndexUrl { get; init; }
    public TimeSpan IndexTimeout { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan IndexPollInterval { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The forge's REST API root (GitHub Enterprise https://host/api/v3/, or a compatible API).</summary>
    public required Uri ApiUrl { get; init; }
    /// <summary>owner/name of the fleet repository.</summary>
    public required string Repository { get; init; }
    /// <summary>Null: the repository's default branch.</summary>
    public string? BaseBranch { get; init; }
    /// <summary>Secret: only ever in the Authorization header.</summary>
    public required string Token { get; init; }

    public override string ToString() =>
        $"version={RuntimeVersion} index={IndexUrl} api={ApiUrl} repository={Repository} base={BaseBranch ?? "(default)"} token=***";
}
