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

/// <summary>Where a tool comes from. <see cref="Identity"/> names exactly what gets installed, so a
/// changed pin (a new Debian revision of the same upstream version) is noticed in an existing folder.</summary>
public abstract record ToolSource
{
    public abstract string Kind { get; }
    public abstract string Identity { get; }
}

/// <summary>A package of a Debian suite, unpacked, never installed into the host.</summary>
public sealed record DebianSource(string Suite, string Package, string PackageVersion) : ToolSource
{
    public override string Kind => "debian";
    public override string Identity => $"debian {Suite} {Package}={PackageVersion}";
}

/// <summary>An npm package at the tool's version.</summary>
public sealed record NpmSource(string Package, string Version) : ToolSource
{
    public override string Kind => "npm";
    public override string Identity => $"npm {Package}@{Version}";
}

/// <summary>A .NET tool package at the tool's version.</summary>
public sealed record DotnetToolSource(string Package, string Version) : ToolSource
{
    public override string Kind => "dotnet-tool";
    public override string Identity => $"dotnet-tool {Package} {Version}";
}
