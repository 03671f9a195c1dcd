using System.Text.Json;
using System.Text.Json.Nodes;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.KeepCurrent;

/// <summary>
/// Writes a template's agent lock for one version (what Bump does after it changed template.yaml): npm resolves the
/// tree through its configured registry (`npm install --package-lock-only --omit-lockfile-registry-resolved`), pip
/// through the package index (`pip install --dry-run --report`, with each file's sha256 as --hash). Written into a
/// scratch folder first and moved into templates/&lt;name&gt;/agent/ only when complete, then read back strictly.
/// </summary>
public sealed class LockWriter(string scratchDirectory, string? packageIndex, IReadOnlyDictionary<string, string?>? environment = null)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Writes the lock of <paramref name="template"/> as template.yaml now says (its agent at its version).</summary>
    public async Task<AgentLock> WriteAsync(Template template, CancellationToken ct)
    {
        var work = Directory.CreateDirectory(Path.Combine(scratchDirectory, $"{template.Name}-{Guid.NewGuid():N}")).FullName;
        try
        {
            await (template.Agent.Installer == AgentInstaller.Npm ? WriteNpmAsync(template, work, ct) : WritePipAsync(template, work, ct));
            var target = Directory.CreateDirectory(Path.Combine(template.Directory, AgentLock.Folder)).FullName;
            foreach (var file in AgentLock.FilesOf(template.Agent.Installer).Select(Path.GetFileName))
                File.Move(Path.Combine(work, file!), Path.Combine(target, file!), overwrite: true);
            return AgentLock.Read(template);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    async Task WriteNpmAsync(Template template, string work, CancellationToken ct)
    {
        var agent = template.Agent;
        var manifest = new JsonObject
        {
            ["name"] = $"fleet-agent-{template.Name}",
            ["private"] = true,
            ["description"] = $"The {template.Name} template's agent CLI and its whole tree, locked. Written by ./build.sh Bump from template.yaml agent; do not edit.",
            ["dependencies"] = new JsonObject { [agent.Package] = agent.Version },
        };
        await File.WriteAllTextAsync(Path.Combine(work, AgentLock.PackageJson), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n", ct);
        // No scripts run and nothing is installed: npm resolves the tree through its configured registry and writes the
        // lock with each package's integrity and no resolved URL (no registry host in the repository).
        await RunAsync("npm", ["install", "--package-lock-only", "--omit-lockfile-registry-resolved", "--ignore-scripts", "--no-audit", "--no-fund",
            "--save-exact", "--loglevel=error", "--fetch-retries=1", "--fetch-timeout=60000"], work,
            $"npm could not resolve {agent.Package}@{agent.Version}", "check the version and that npm's configured registry answers (npm ping; npm config get registry)", ct);
    }

    async Task WritePipAsync(Template template, string work, CancellationToken ct)
    {
        var agent = template.Agent;
        if (packageIndex is not { Length: > 0 })
            throw new KeepCurrentException($"{template.Name}: the agent comes from the package index; pass --package-index to lock it.");
        var report = Path.Combine(work, "report.json");
        // pip's own resolver, on the hosts' Python 3.11 (the images' venv is 3.11): what pip would install, with the
        // sha256 of every file it chose.
        await RunAsync("python3", ["-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-cache-dir", "--disable-pip-version-check", "--quiet",
            "--only-binary=:all:", "--index-url", packageIndex, "--report", report, $"{agent.Package}=={agent.Version}"], work,
            $"pip could not resolve {agent.Package}=={agent.Version} on {packageIndex}", "check the version and --package-index", ct);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, ct));
        var installs = json.RootElement.GetProperty("install").EnumerateArray()
            .Select(i => (Name: i.GetProperty("metadata").GetProperty("name").GetString()!, Version: i.GetProperty("metadata").GetProperty("version").GetString()!,
                Hash: Sha256(i)))
            .OrderBy(i => PackageName.Normalize(i.Name), StringComparer.Ordinal);
        var lines = $"# The {template.Name} template's agent and its whole tree, locked: pip install --require-hashes --no-deps -r this file.\n"
            + "# Written by ./build.sh Bump from template.yaml agent and the package index's hashes; do not edit.\n"
            + string.Concat(installs.Select(i => $"{PackageName.Normalize(i.Name)}=={i.Version} \\\n    --hash=sha256:{i.Hash}\n"));
        File.Delete(report);
        await File.WriteAllTextAsync(Path.Combine(work, AgentLock.Requirements), lines, ct);
    }

    // pip's installation report (version 1): download_info.archive_info.hashes.sha256, or the older "hash": "sha256=...".
    static string Sha256(JsonElement install)
    {
        var archive = install.GetProperty("download_info").GetProperty("archive_info");
        if (archive.TryGetProperty("hashes", out var hashes) && hashes.TryGetProperty("sha256", out var sha))
            return sha.GetString()!;
        var hash = archive.GetProperty("hash").GetString()!;
        return hash.StartsWith("sha256=", StringComparison.Ordinal) ? hash[7..] : throw new KeepCurrentException($"pip reported no sha256 for {install.GetProperty("metadata").GetProperty("name").GetString()}: the index must give sha256 digests.");
    }

    async Task RunAsync(string program, string[] arguments, string work, string failed, string check, CancellationToken ct)
    {
        var result = await NpmRegistry.RunBoundedAsync(program, arguments, work, environment, Timeout,
            $"{failed}: no result within {Timeout.TotalMinutes:0} min; {check}.", $"{failed}: {program} is not on PATH.", ct);
        if (result.ExitCode != 0)
        {
            var tail = string.Join(" ", (result.Stderr + "\n" + result.Stdout).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(3));
            throw new KeepCurrentException($"{failed} (exit {result.ExitCode}: {tail}); {check}.");
        }
    }
}
