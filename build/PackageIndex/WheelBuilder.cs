using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using TemplateFleet.Fleet;

namespace TemplateFleet.PackageIndex;

/// <summary>A wheel on disk and what an index needs to publish it.</summary>
public sealed record BuiltWheel(string Name, string Version, string Path, string Sha256, long Size, string RequiresPython, string Summary)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// Builds a pure-Python PEP 427 wheel from a development source folder. Deterministic (fixed
/// timestamps and modes, sorted entries): the same source and version give identical bytes, so the
/// layer that pip-installs it stays cached across builds.
/// </summary>
public static class WheelBuilder
{
    // Zip cannot store dates before 1980; any fixed date keeps the bytes stable.
    private static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int RegularFileMode = 0b110_100_100; // 0644
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static BuiltWheel Build(PackageManifest manifest, string version, string outputDirectory)
    {
        if (!Pep440Version.IsCanonical(version))
            throw new FleetException($"'{version}' is not a valid version for {manifest.Name} (PEP 440, e.g. 1.2.3 or 1.2.3rc1).");

        var distInfo = $"{WheelName(manifest.Name)}-{version}.dist-info";
        var entries = new List<(string Name, byte[] Content)>();
        foreach (var module in manifest.Modules.Order(StringComparer.Ordinal))
            entries.AddRange(ModuleFiles(manifest.SourceDirectory, module));

        entries.Add(($"{distInfo}/METADATA", Utf8.GetBytes(Metadata(manifest, version))));
        entries.Add(($"{distInfo}/WHEEL", Utf8.GetBytes("Wheel-Version: 1.0\nGenerator: template-fleet\nRoot-Is-Purelib: true\nTag: py3-none-any\n")));
        if (manifest.Scripts.Count > 0)
            entries.Add(($"{distInfo}/entry_points.txt", Utf8.GetBytes(EntryPoints(manifest))));

        var record = string.Concat(entries.Select(e => $"{e.Name},sha256={RecordHash(e.Content)},{e.Content.Length}\n")) + $"{distInfo}/RECORD,,\n";
        entries.Add(($"{distInfo}/RECORD", Utf8.GetBytes(record)));

        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, WheelFileName(manifest.Name, version));
        using (var zip = new ZipArchive(new FileStream(path, FileMode.Create, FileAccess.Write), ZipArchiveMode.Create))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = FixedTimestamp;
                entry.ExternalAttributes = (0x8000 | RegularFileMode) << 16;
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        var bytes = File.ReadAllBytes(path);
        return new BuiltWheel(manifest.Name, version, path, Convert.ToHexStringLower(SHA256.HashData(bytes)),
            bytes.Length, manifest.RequiresPython, manifest.Summary);
    }

    /// <summary>PEP 427/491: the name part of a wheel file name and of its .dist-info folder, built on the PEP 503 normal form of the project name.</summary>
    public static string WheelName(string name) => PackageName.Normalize(name).Replace('-', '_');

    public static string WheelFileName(string name, string version) => $"{WheelName(name)}-{version}-py3-none-any.whl";

    /// <summary>RECORD's hash form: sha256, urlsafe base64 without padding.</summary>
    public static string RecordHash(byte[] content) =>
        Convert.ToBase64String(SHA256.HashData(content)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static IEnumerable<(string, byte[])> ModuleFiles(string root, string module) =>
        Directory.EnumerateFiles(Path.Combine(root, module), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            // Byte code is machine-local and would make the wheel non-deterministic.
            .Where(f => !f.Contains("/__pycache__/", StringComparison.Ordinal) && !f.EndsWith(".pyc", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllBytes(Path.Combine(root, f))));

    private static string Metadata(PackageManifest manifest, string version) =>
        $"Metadata-Version: 2.1\nName: {manifest.Name}\nVersion: {version}\nSummary: {manifest.Summary.ReplaceLineEndings(" ")}\n"
        + (manifest.RequiresPython.Length > 0 ? $"Requires-Python: {manifest.RequiresPython}\n" : "")
        + string.Concat(manifest.Dependencies.Select(d => $"Requires-Dist: {d}\n"));

    private static string EntryPoints(PackageManifest manifest) =>
        "[console_scripts]\n" + string.Concat(manifest.Scripts.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} = {s.Value}\n"));
}
