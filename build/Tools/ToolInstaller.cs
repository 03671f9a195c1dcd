using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog;
using TemplateFleet.Files;

namespace TemplateFleet.Tools;

/// <summary>
/// Installs the tools of build/Tools/tools.yaml on first use into &lt;tools&gt;/&lt;tool&gt;/&lt;version&gt;/ and hands
/// back the path of each one's binary. Idempotent and safe when several builds install at once: a lock per
/// tool, the install made in a folder of its own, checked (the binary runs and prints what the pin expects;
/// the version the source recorded equals the pin), and only then renamed into place, so the folder a caller
/// sees is always complete. A folder whose receipt names another source (a changed pin) is replaced.
/// </summary>
/// <param name="toolsDirectory">The tools folder; the build's own is the cache home's (<see cref="CacheHome.Tools"/>).</param>
/// <param name="aptDirectory">The private apt state (default: &lt;tools&gt;/.apt), shareable between tools folders.</param>
public sealed class ToolInstaller(ToolManifest manifest, string toolsDirectory, string? aptDirectory = null)
{
    public const string ReceiptFile = ".tool.json";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The repository's pins (build/Tools/tools.yaml) and the tools folder of the per-user cache, shared by
    /// every checkout on the machine (<see cref="CacheHome"/>; this process's environment unless <paramref name="cache"/> is given).</summary>
    public static ToolInstaller ForRepository(string repositoryRoot, CacheHome? cache = null) =>
        new(ToolManifest.Load(repositoryRoot), (cache ?? CacheHome.Resolve()).Tools);

    public ToolManifest Manifest { get; } = manifest;

    public string ToolsDirectory { get; } = Path.GetFullPath(toolsDirectory);
    public string AptDirectory { get; } = Path.GetFullPath(aptDirectory ?? Path.Combine(toolsDirectory, ".apt"));

    /// <summary>Where the pinned version of a tool lives (installed or not).</summary>
    public string FolderOf(ToolPin pin) => Path.Combine(ToolsDirectory, pin.Name, pin.Version);

    /// <summary>The path of the tool's binary, installing the pinned version first when it is not there yet.</summary>
    public async Task<string> EnsureAsync(string tool, CancellationToken ct)
    {
        var pin = Manifest[tool];
        var folder = FolderOf(pin);
        var binary = Path.Combine(folder, pin.Binary);
        if (IsInstalled(pin, folder))
        {
            return binary;
        }

        var toolDirectory = Path.Combine(ToolsDirectory, pin.Name);
        using var _ = await FileLock.AcquireAsync(Path.Combine(toolDirectory, ".lock"), $"installing {pin}", CacheHome.LockTimeout, ct);
        if (IsInstalled(pin, folder))
        {
            return binary;
        }

        // Under the lock, anything half-made for this version is a killed install's: remove it.
        foreach (var leftover in Directory.GetDirectories(toolDirectory, $".partial-{pin.Version}-*"))
            Directory.Delete(leftover, recursive: true);
        var partial = Directory.CreateDirectory(Path.Combine(toolDirectory, $".partial-{pin.Version}-{Guid.NewGuid():N}")).FullName;
        var where = $"{Manifest.File}:{pin.Line}";
        Log.Information("Installing {Tool} from {Source} into {Folder}", pin.ToString(), pin.Source.Identity, folder);
        var clock = Stopwatch.StartNew();
        try
        {
            var recorded = pin.Source.Kind switch
            {
                // Debian packages of any suite through the private apt configuration under AptDirectory.
                "debian" => await new DebianArchive(AptDirectory).UnpackAsync(pin, pin.Source, partial, where, ct),
                _ => await InstallPackageAsync(pin, partial, where, ct),
            };
            if (recorded != pin.Source.Version)
                throw new ToolException($"{pin}: {pin.Source.Kind} installed version '{recorded}', not the pinned '{pin.Source.Version}' ({where}); nothing was installed.");
            await CheckAsync(pin, Path.Combine(partial, pin.Binary), where, ct);
            await File.WriteAllTextAsync(Path.Combine(partial, ReceiptFile),
                JsonSerializer.Serialize(new Receipt(pin.Name, pin.Version, pin.Source.Identity, pin.Binary), ReceiptJson), ct);

            if (Directory.Exists(folder))
            {
                // An install of an older pin of the same version: out of the way first, then gone.
                var outdated = Path.Combine(toolDirectory, $".outdated-{pin.Version}-{Guid.NewGuid():N}");
                Directory.Move(folder, outdated);
                Directory.Delete(outdated, recursive: true);
            }
            Directory.Move(partial, folder);
        }
        finally
        {
            if (Directory.Exists(partial))
                Directory.Delete(partial, recursive: true);
        }
        Log.Information("Installed {Tool} in {Seconds:0.0} s: {Binary}", pin.ToString(), clock.Elapsed.TotalSeconds, binary);
        return binary;
    }

    /// <summary>An npm package (`npm install --prefix`) or a .NET tool (`dotnet tool install --tool-path`), installed by its
    /// own client into <paramref name="directory"/>; returns the version the client recorded.</summary>
    private static async Task<string> InstallPackageAsync(ToolPin pin, string directory, string where, CancellationToken ct)
    {
        var (package, version) = (pin.Source.Package, pin.Source.Version);
        var npm = pin.Source.Kind == "npm";
        // --prefix keeps an npm package out of the host's global modules; each client knows its registry (and any the user configured).
        string[] command = npm
            ? ["npm", "install", "--prefix", directory, "--no-audit", "--no-fund", "--save-exact", "--loglevel=error", $"{package}@{version}"]
            : ["dotnet", "tool", "install", "--tool-path", directory, package, "--version", version];
        var install = await ToolProcess.RunAsync(command[0], command[1..], directory, InstallTimeout, ct,
            npm ? null : new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        var (missing, shown, check) = npm
            ? ($"{pin} comes from npm ({where}) and npm is not on PATH; install Node.js with npm (Debian: apt-get install -y npm) and run the build again.",
                $"npm install {package}@{version}", "Check that npm reaches its registry (proxy and CA settings: npm config list).")
            : ($"{pin} is a .NET tool ({where}) and dotnet is not on PATH; install the SDK of global.json.",
                $"dotnet tool install {package} --version {version}", "Check that the SDK reaches its NuGet source (dotnet nuget list source).");
        if (!install.Succeeded)
            throw new ToolException(install.ExitCode == 127 ? missing : $"{pin}: {shown} failed (exit {install.ExitCode}):\n{install.Tail()}\n{check}");
        if (npm)
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "node_modules", package, "package.json"), ct));
            return json.RootElement.TryGetProperty("version", out var recorded) ? recorded.GetString() ?? "" : "";
        }
        // The .NET tool store keeps each package under its lower-cased id and version.
        var store = Path.Combine(directory, ".store", package.ToLowerInvariant());
        return Directory.Exists(store) ? string.Join(", ", Directory.GetDirectories(store).Select(Path.GetFileName)) : "";
    }

    /// <summary>The pinned tool is in its folder, installed from exactly the pinned source.</summary>
    public bool IsInstalled(ToolPin pin, string folder)
    {
        try
        {
            return File.Exists(Path.Combine(folder, pin.Binary))
                && JsonSerializer.Deserialize<Receipt>(File.ReadAllText(Path.Combine(folder, ReceiptFile))) is { } recorded
                && recorded.Source == pin.Source.Identity && recorded.Binary == pin.Binary;
        }
        catch (Exception e) when (e is JsonException or FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Runs the binary as the pin's check says; it must exit 0 and print the expected text.</summary>
    public static async Task CheckAsync(ToolPin pin, string binary, string where, CancellationToken ct)
    {
        if (!File.Exists(binary))
            throw new ToolException($"{pin}: the install has no {pin.Binary} ({where}: 'binary'); fix the path there.");
        if (pin.Check is not { } check)
            return;
        var run = await ToolProcess.RunAsync(binary, check.Args, Path.GetDirectoryName(binary), CheckTimeout, ct);
        var command = string.Join(' ', [Path.GetFileName(binary), .. check.Args]);
        if (!run.Succeeded || !run.Output.Contains(check.Expect, StringComparison.Ordinal))
        {
            throw new ToolException(
                $"{pin}: `{command}` {(run.Succeeded ? "ran" : $"failed (exit {run.ExitCode})")} but did not print '{check.Expect}' ({where}: 'check'); nothing was installed. Its output:\n{run.Tail()}");
        }
    }

    private static readonly JsonSerializerOptions ReceiptJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record Receipt(string Name, string Version, string Source, string Binary);
}
