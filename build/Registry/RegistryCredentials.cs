using Docker.DotNet.Models;

namespace TemplateFleet.Registry;

/// <summary>
/// A registry (host[:port]) and who logs in to it, the one type every stage that pushes, pulls, signs or verifies takes.
/// The password is a secret: it goes only into the engine's X-Registry-Auth, the registry's Authorization header and
/// cosign's private config, and <see cref="ToString"/> never prints it.
/// </summary>
public sealed record RegistryCredentials(string Address, string? Username = null, string? Password = null)
{
    /// <summary>What the engine sends as X-Registry-Auth; empty without a user.</summary>
    public AuthConfig Auth => Username is null ? new AuthConfig() : new AuthConfig { Username = Username, Password = Password, ServerAddress = Address };

    public override string ToString() => $"registry={Address} user={Username ?? "(none)"} password={(Password is null ? "(none)" : "***")}";
}
