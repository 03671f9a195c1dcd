using System.Text.Json;

namespace TemplateFleet.Tools;

/// <summary>Tools from the npm registry and from NuGet, installed by their own clients into a folder of their own.</summary>
internal static class PackageToolSources
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);

    /// <summary>`npm install --prefix`; returns the version in the installed package.json.</summary>
    public static async Task<string> InstallNpmAsync(ToolPin pin, ToolSource source, string directory, string where, CancellationToken ct)
    {
        // --prefix keeps it out of the host's global modules; the client knows its registry (and any the user configured).
        var install = await ToolProcess.RunAsync("npm",
            ["install", "--prefix", directory, "--no-audit", "--no-fund", "--save-exact", "--loglevel=error", $"{source.Package}@{source.Version}"],
            directory, InstallTimeout, ct);
        if (!install.Succeeded)
        {
            throw new ToolException(install.ExitCode == 127
                ? $"{pin} comes from npm ({where}) and npm is not on PATH; install Node.js with npm (Debian: apt-get install -y npm) and run the build again."
                : $"{pin}: npm install {source.Package}@{source.Version} failed (exit {install.ExitCode}):\n{install.Tail()}\nCheck that npm reaches its registry (proxy and CA settings: npm config list).");
        }
        var manifest = Path.Combine(directory, "node_modules", source.Package, "package.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(manifest, ct));
        return json.RootElement.TryGetProperty("version", out var version) ? version.GetString() ?? "" : "";
    }

    /// <summary>`dotnet tool install --tool-path`; returns the version in the tool store.</summary>
    public static async Task<string> InstallDotnetToolAsync(ToolPin pin, ToolSource source, string directory, string where, CancellationToken ct)
    {
        var install = await ToolProcess.RunAsync("dotnet",
            ["tool", "install", "--tool-path", directory, source.Package, "--version", source.Version],
            directory, InstallTimeout, ct,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        if (!install.Succeeded)
        {
            throw new ToolException(install.ExitCode == 127
                ? $"{pin} is a .NET tool ({where}) and dotnet is not on PATH; install the SDK of global.json."
                : $"{pin}: dotnet tool install {source.Package} --version {source.Version} failed (exit {install.ExitCode}):\n{install.Tail()}\nCheck that the SDK reaches its NuGet source (dotnet nuget list source).");
        }
        // The store keeps each package under its lower-cased id and version.
        var store = Path.Combine(directory, ".store", source.Package.ToLowerInvariant());
        return Directory.Exists(store)
            ? string.Join(", ", Directory.GetDirectories(store).Select(Path.GetFileName))
            : "";
    }
}
