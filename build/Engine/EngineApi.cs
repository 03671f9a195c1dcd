using TemplateFleet.Fleet;

namespace TemplateFleet.Engine;

/// <summary>
/// Which Engine API version the build speaks with an engine, negotiated as the docker CLI does: the newer
/// of what both sides support, never a version pinned to one engine (Engine 29 refuses anything below 1.44,
/// Debian 12's 20.10 knows nothing above 1.41).
/// </summary>
public static class EngineApi
{
    /// <summary>The oldest engine the build is tested against: Debian 12's Docker 20.10.</summary>
    public static readonly Version Minimum = new(1, 41);

    /// <summary>The newest API the client library's models describe (Docker.DotNet.Enhanced 4.3.3: Docker Engine 29).</summary>
    public static readonly Version Maximum = new(1, 52);

    /// <summary>The version to request from an engine that supports <paramref name="serverMinimum"/> to <paramref name="serverMaximum"/>.</summary>
    public static Version Negotiate(Uri endpoint, string serverVersion, string serverMaximum, string? serverMinimum)
    {
        var maximum = Parse(serverMaximum) ?? throw new FleetException($"the engine at {endpoint} (Docker {serverVersion}) reported no API version ('{serverMaximum}'); is it a Docker engine?");
        var minimum = Parse(serverMinimum) ?? new Version(1, 12);
        if (maximum < Minimum)
            throw new FleetException($"the engine at {endpoint} (Docker {serverVersion}) speaks Engine API up to {serverMaximum}; this build needs {Minimum} (Docker 20.10) or newer. Upgrade the engine or point --docker-host at a newer one.");
        if (minimum > Maximum)
            throw new FleetException($"the engine at {endpoint} (Docker {serverVersion}) requires Engine API {serverMinimum} or newer; this build's client speaks up to {Maximum}. Update Docker.DotNet.Enhanced in build/_build.csproj.");
        return maximum < Maximum ? maximum : Maximum;
    }

    private static Version? Parse(string? text) =>
        Version.TryParse(text, out var version) ? new Version(version.Major, version.Minor) : null;
}
