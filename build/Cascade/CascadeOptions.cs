namespace TemplateFleet.Cascade;

/// <summary>Where the pin-bump pull request goes. A class, not a record: ToString must not print the token.</summary>
public sealed class CascadeOptions
{
    /// <summary>The forge's REST API root (GitHub Enterprise https://host/api/v3/, or a compatible API).</summary>
    public required Uri ApiUrl { get; init; }
    /// <summary>owner/name of the fleet repository.</summary>
    public required string Repository { get; init; }
    /// <summary>Secret: only ever in the Authorization header.</summary>
    public required string Token { get; init; }

    public override string ToString() => $"api={ApiUrl} repository={Repository} token=***";
}
