namespace TemplateFleet.Publishing;

/// <summary>Where and how Publish pushes. A class, not a record: a record's ToString would print the password.</summary>
public sealed class PublishOptions
{
    /// <summary>host[:port]; null means fleet.yaml images.registry.</summary>
    public string? Registry { get; init; }
    public string? Username { get; init; }
    /// <summary>Secret: goes only into the engine's X-Registry-Auth and the registry's Authorization header.</summary>
    public string? Password { get; init; }
    /// <summary>Force plain HTTP (true) or HTTPS (false) for the digest read-back; null: HTTP on loopback, HTTPS elsewhere.</summary>
    public bool? PlainHttp { get; init; }
    /// <summary>Throw a <see cref="Fleet.FleetException"/> after all templates were tried when any publish failed.
    /// Cascade turns it off: failed templates keep their old pins and the pull request says why.</summary>
    public bool FailOnError { get; init; } = true;

    public override string ToString() =>
        $"registry={Registry ?? "(fleet.yaml)"} user={Username ?? "(none)"} password={(Password is null ? "(none)" : "***")}";
}
