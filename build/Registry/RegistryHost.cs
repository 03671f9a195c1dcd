using System.Net;
using TemplateFleet.Fleet;

namespace TemplateFleet.Registry;

/// <summary>A registry address as image references spell it: host[:port], with IPv6 hosts in brackets.</summary>
public sealed record RegistryHost(string Host, int? Port)
{
    public static RegistryHost Parse(string registry)
    {
        var text = registry.Trim();
        if (text.Length == 0 || text.Contains('/') || text.Contains('@'))
            throw new FleetException($"registry '{registry}' must be host[:port] (e.g. 127.0.0.1:5000), without scheme or path.");

        string host, rest;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
                throw new FleetException($"registry '{registry}': unclosed '[' around an IPv6 address.");
            (host, rest) = (text[1..close], text[(close + 1)..]);
            if (rest.Length > 0 && !rest.StartsWith(':'))
                throw new FleetException($"registry '{registry}': expected ':<port>' after ']'.");
        }
        else
        {
            // A bare IPv6 address (more than one ':') cannot carry a port.
            var colon = text.Count(c => c == ':') == 1 ? text.IndexOf(':') : text.Length;
            (host, rest) = (text[..colon], text[colon..]);
        }

        int? port = rest.Length == 0 ? null
            : int.TryParse(rest[1..], out var p) && p is >= 1 and <= 65535 ? p
            : throw new FleetException($"registry '{registry}': port '{rest[1..]}' is not a number between 1 and 65535.");
        return new RegistryHost(host, port);
    }

    /// <summary>127.0.0.0/8, ::1 and localhost: the only places a development image may go.</summary>
    public bool IsLoopback =>
        Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var ip) && StrictAddress(Host) && IPAddress.IsLoopback(ip));

    public static bool IsLoopbackRegistry(string registry) => Parse(registry).IsLoopback;

    /// <summary>The registry's HTTP API root. Loopback registries speak plain HTTP (the engine trusts them that way too).
    /// The authority is host[:port] as image references spell it (an IPv6 host in brackets).</summary>
    public Uri ApiBase(bool? plainHttp = null) => new($"{(plainHttp ?? IsLoopback ? "http" : "https")}://{this}/");

    public override string ToString() =>
        (Host.Contains(':') ? $"[{Host}]" : Host) + (Port is { } p ? $":{p}" : "");

    // IPAddress.TryParse accepts shorthand such as "127.1" or "2130706433"; a registry name like that
    // is a host name to the engine, so only dotted quads and IPv6 literals count as addresses.
    static bool StrictAddress(string host) =>
        host.Contains(':') || (host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)));
}
