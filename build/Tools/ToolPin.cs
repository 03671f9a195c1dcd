namespace TemplateFleet.Tools;

/// <summary>One tool of build/Tools/tools.yaml: what to install, from where, and how to tell it works.</summary>
/// <param name="Binary">Path of the executable relative to the tool's folder (a library's entry module).</param>
/// <param name="Check">Null for a library: nothing to run; its installed version is checked all the same.</param>
/// <param name="Line">Line of the tool's entry in tools.yaml, for messages.</param>
public sealed record ToolPin(string Name, string Version, ToolSource Source, string Binary, ToolCheck? Check, long Line)
{
    /// <summary>How messages name it: "cosign 2.5.0".</summary>
    public override string ToString() => $"{Name} {Version}";
}

/// <summary>The binary run with <paramref name="Args"/> must print <paramref name="Expect"/>.</summary>
public sealed record ToolCheck(IReadOnlyList<string> Args, string Expect);

/// <summary>Where a tool comes from: its <see cref="Kind"/> (the tools.yaml key: debian, npm, dotnet-tool), the package and
/// its version (a Debian package's own version; npm and .NET tools at the tool's), and a Debian package's suite.
/// <see cref="Identity"/> names exactly what gets installed, so a changed pin (a new Debian revision of the same upstream
/// version) is noticed in an existing folder. A Debian package is unpacked, never installed into the host.</summary>
public sealed record ToolSource(string Kind, string Package, string Version, string Suite = "")
{
    public string Identity => Kind switch
    {
        "debian" => $"debian {Suite} {Package}={Version}",
        "npm" => $"npm {Package}@{Version}",
        _ => $"dotnet-tool {Package} {Version}",
    };
}
