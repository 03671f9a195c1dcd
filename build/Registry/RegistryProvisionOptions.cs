namespace TemplateFleet.Registry;

/// <summary>Where the local development registry lives. A class, not a record: ToString must not print the password.</summary>
public sealed class RegistryProvisionOptions
{
    /// <summary>Folder for config, htpasswd, data and log; the build passes &lt;root&gt;/output/registry.</summary>
    public required string Directory { get; init; }
    public int Port { get; init; } = 5000;
    /// <summary>When both are set the registry demands them (htpasswd, bcrypt); otherwise it is open, on loopback only.</summary>
    public string? Username { get; init; }
    public string? Password { get; init; }
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public override string ToString() =>
        $"directory={Directory} port={Port} user={Username ?? "(none)"} password={(Password is null ? "(none)" : "***")}";
}
