namespace TemplateFleet.Forges;

/// <summary>The forges the fleet's pull requests go to. Each has its own native client.</summary>
public enum ForgeKind
{
    Gitea,
    GitHub,
}

public static class ForgeKinds
{
    /// <summary>"gitea" or "github" (any case); null, empty or "auto": detect from the API.</summary>
    public static ForgeKind? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "gitea" => ForgeKind.Gitea,
        "github" => ForgeKind.GitHub,
        _ => throw new ForgeException($"--forge: forge kind '{value}' is unknown: use gitea or github, or leave it unset to detect it."),
    };
}
