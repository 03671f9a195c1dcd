using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.KeepCurrent;

/// <summary>One package a lock installs: its name, version and where the lock records it (npm: the node_modules path).</summary>
public sealed record LockedPackage(string Name, string Version, string Path);

/// <summary>
/// A template's committed agent lock (templates/&lt;name&gt;/agent/): npm agents as package.json + package-lock.json
/// (written with --omit-lockfile-registry-resolved: integrity hashes, no registry host), installed with `npm ci` into
/// a folder of their own; a pip agent as a hash-pinned requirements file (`pip install --require-hashes`). The lock
/// decides the whole tree below the agent, so two builds of one pin install the same packages and a change of any
/// transitive package is a reviewed diff. Read strictly: a lock that does not match template.yaml or its
/// package.json is one line naming the file and what to run.
/// </summary>
/// <param name="Packages">What the lock installs on the images' platform (linux, x64): an optional package for another
/// platform is in an npm lock but never installed, so it is not here.</param>
public sealed partial record AgentLock(Template Template, IReadOnlyList<LockedPackage> Packages)
{
    public const string Folder = "agent";
    public const string PackageJson = "package.json";
    public const string PackageLock = "package-lock.json";
    public const string Requirements = "requirements.txt";

    /// <summary>The lock's files, relative to the template folder ("agent/package.json", ...).</summary>
    public static IReadOnlyList<string> FilesOf(AgentInstaller installer) =>
        installer == AgentInstaller.Npm ? [$"{Folder}/{PackageJson}", $"{Folder}/{PackageLock}"] : [$"{Folder}/{Requirements}"];

    /// <summary>The lock's files as repository paths ("templates/codex/agent/package-lock.json").</summary>
    public static IReadOnlyList<string> RepositoryFilesOf(Template template) =>
        [.. FilesOf(template.Agent.Installer).Select(f => $"{FleetLoader.TemplatesFolder}/{template.Name}/{f}")];

    /// <summary>Reads and checks the lock against template.yaml agent; throws <see cref="FleetException"/> naming the file.</summary>
    public static AgentLock Read(Template template)
    {
        string Display(string file) => $"{FleetLoader.TemplatesFolder}/{template.Name}/{Folder}/{file}";
        var fix = $"run ./build.sh Lock --templates {template.Name} to write it again from template.yaml";
        if (FilesOf(template.Agent.Installer).FirstOrDefault(f => !File.Exists(Path.Combine(template.Directory, f))) is { } missing)
            throw new FleetException($"{Display(Path.GetFileName(missing))}: missing; the agent installs from its lock ({fix}).");
        return template.Agent.Installer == AgentInstaller.Npm ? ReadNpm(template, Display, fix) : ReadPip(template, Display, fix);
    }

    static AgentLock ReadNpm(Template template, Func<string, string> display, string fix)
    {
        var agent = template.Agent;
        var manifest = Json(Path.Combine(template.Directory, Folder, PackageJson), display(PackageJson));
        var wanted = Dependencies(manifest);
        if (wanted.Count != 1 || wanted.GetValueOrDefault(agent.Package) != agent.Version)
            throw new FleetException($"{display(PackageJson)}: its dependencies must be exactly {{\"{agent.Package}\": \"{agent.Version}\"}} (template.yaml agent), found {Describe(wanted)}; {fix}.");
        var lockJson = Json(Path.Combine(template.Directory, Folder, PackageLock), display(PackageLock));
        if (lockJson["lockfileVersion"]?.GetValue<int>() is not (2 or 3) || lockJson["packages"] is not JsonObject packages)
            throw new FleetException($"{display(PackageLock)}: not an npm lock file of version 2 or 3 (no \"packages\"); {fix}.");
        var root = packages[""] as JsonObject;
        if (root is null || Describe(Dependencies(root)) != Describe(wanted))
            throw new FleetException($"{display(PackageLock)} does not match {display(PackageJson)}: the lock's root depends on {Describe(root is null ? [] : Dependencies(root))}; {fix}.");
        var locked = new List<LockedPackage>();
        foreach (var (path, value) in packages)
        {
            if (path.Length == 0 || value is not JsonObject entry || entry["link"]?.GetValue<bool>() == true || entry["dev"]?.GetValue<bool>() == true)
                continue;
            if (entry["resolved"] is not null)
                throw new FleetException($"{display(PackageLock)}: \"{path}\" records where it was resolved (a registry URL); locks are written with --omit-lockfile-registry-resolved so they name no host; {fix}.");
            // A bundled dependency ships inside its parent's tarball, which the parent's integrity covers.
            if (entry["integrity"] is null && entry["inBundle"]?.GetValue<bool>() != true)
                throw new FleetException($"{display(PackageLock)}: \"{path}\" has no integrity hash, so npm ci could not check what it installs; {fix}.");
            if (!ForPlatform(entry))
                continue;
            // Without a "name" of its own, a package is named by its path after the last node_modules/.
            var name = entry["name"]?.GetValue<string>() ?? path.Split("node_modules/")[^1];
            locked.Add(new LockedPackage(name, entry["version"]?.GetValue<string>() ?? "", path));
        }
        var top = locked.FirstOrDefault(p => p.Path == $"node_modules/{agent.Package}");
        if (top is null || top.Version != agent.Version)
            throw new FleetException($"{display(PackageLock)}: locks {agent.Package} at {top?.Version ?? "no version"}, template.yaml agent.version says {agent.Version}; {fix}.");
        return new AgentLock(template, locked);
    }

    static AgentLock ReadPip(Template template, Func<string, string> display, string fix)
    {
        var agent = template.Agent;
        var file = Path.Combine(template.Directory, Folder, Requirements);
        var packages = Logical(File.ReadAllLines(file)).Select(requirement => Requirement().Match(requirement.Text) is { Success: true } m
            ? new LockedPackage(m.Groups["name"].Value, m.Groups["version"].Value, $"{display(Requirements)}:{requirement.Line}")
            : throw new FleetException($"{display(Requirements)}:{requirement.Line}: '{Printable.Of(requirement.Text)}' is not `name==version --hash=sha256:<64 hex>`: every requirement of a lock is pinned and hashed; {fix}.")).ToList();
        var top = packages.FirstOrDefault(p => PackageName.Same(p.Name, agent.Package));
        if (top is null || !Pep440Version.TryParse(top.Version, out var locked) || locked != Pep440Version.Parse(agent.Version))
            throw new FleetException($"{display(Requirements)}: locks {agent.Package} at {top?.Version ?? "no version"}, template.yaml agent.version says {agent.Version}; {fix}.");
        return new AgentLock(template, packages);
    }

    /// <summary>Requirement lines with their continuations joined, comments and blank lines left out.</summary>
    static IEnumerable<(string Text, int Line)> Logical(string[] lines)
    {
        var text = "";
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = (lines[i].TrimStart().StartsWith('#') ? "" : lines[i].Split(" #")[0]).TrimEnd();
            if (text.Length == 0)
                start = i + 1;
            text += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\'))
                continue;
            if (text.Trim().Length > 0)
                yield return (string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)), start);
            text = "";
        }
    }

    // npm records platform-specific optional packages with os, cpu and libc; the images are linux on x64 with glibc.
    static bool ForPlatform(JsonObject entry) =>
        Allows(entry["os"], "linux") && Allows(entry["cpu"], "x64") && Allows(entry["libc"], "glibc");

    static bool Allows(JsonNode? list, string value)
    {
        if (list is not JsonArray items)
            return true;
        var names = items.Select(i => i?.GetValue<string>() ?? "").ToList();
        return names.Contains(value) || (names.All(n => n.StartsWith('!')) && !names.Contains("!" + value));
    }

    static Dictionary<string, string> Dependencies(JsonObject manifest) =>
        manifest["dependencies"] is JsonObject deps
            ? deps.Where(d => d.Value is JsonValue).ToDictionary(d => d.Key, d => d.Value!.GetValue<string>(), StringComparer.Ordinal)
            : [];

    static string Describe(Dictionary<string, string> deps) =>
        deps.Count == 0 ? "nothing" : string.Join(", ", deps.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}@{d.Value}"));

    static JsonObject Json(string file, string display)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new FleetException($"{display}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FleetException($"{display}: not valid JSON ({e.Message}).");
        }
    }

    // name==version followed by one or more sha256 hashes, as pip's hash-checking mode needs them.
    [GeneratedRegex(@"\A(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?<version>[^\s;]+)(\s*;[^-]*)?(\s+--hash=sha256:[0-9a-f]{64})+\s*\z")]
    private static partial Regex Requirement();
}
