using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// Writes a package index as static files: PEP 503 simple pages (simple/index.html,
/// simple/&lt;name&gt;/index.html) and PyPI's JSON API (pypi/&lt;name&gt;/json, pypi/&lt;name&gt;/&lt;version&gt;/json).
/// Wheels are expected under &lt;root&gt;/packages/.
/// </summary>
public static class StaticIndexWriter
{
    public const string PackagesFolder = "packages";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="root">The index folder.</param>
    /// <param name="wheels">Every wheel to publish (already in root/packages).</param>
    /// <param name="baseUrl">Absolute URL the index is served at; the JSON API lists absolute file URLs under it.</param>
    public static void Write(string root, IEnumerable<BuiltWheel> wheels, Uri baseUrl)
    {
        var projects = wheels.GroupBy(w => PackageName.Normalize(w.Name)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var simple = Path.Combine(root, "simple");
        Directory.CreateDirectory(simple);

        File.WriteAllText(Path.Combine(simple, "index.html"), Header("Simple index") + string.Concat(projects.Select(p => $"    <a href=\"{p.Key}/\">{p.Key}</a>\n")) + Footer);
        foreach (var project in projects)
            WriteProject(root, project.Key, project.OrderBy(w => Pep440Version.Parse(w.Version)).ToList(), baseUrl);
    }

    private static void WriteProject(string root, string project, IReadOnlyList<BuiltWheel> wheels, Uri baseUrl)
    {
        // Each wheel with its hash and, when it has one, its Python requirement (PEP 503's data-requires-python).
        var page = Header($"Links for {project}") + string.Concat(wheels.Select(w =>
            $"    <a href=\"../../{PackagesFolder}/{w.FileName}#sha256={w.Sha256}\"{(w.RequiresPython.Length > 0 ? $" data-requires-python=\"{WebUtility.HtmlEncode(w.RequiresPython)}\"" : "")}>{w.FileName}</a><br/>\n")) + Footer;

        var folder = Path.Combine(root, "simple", project);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "index.html"), page);

        var latest = wheels[^1];
        var releases = new JsonObject();
        foreach (var wheel in wheels)
            releases[wheel.Version] = new JsonArray(FileJson(wheel, baseUrl));

        var json = Path.Combine(root, "pypi", project);
        Directory.CreateDirectory(json);
        File.WriteAllText(Path.Combine(json, "json"), new JsonObject
        {
            ["info"] = Info(latest),
            ["releases"] = releases,
            ["urls"] = new JsonArray(FileJson(latest, baseUrl)),
        }.ToJsonString(Indented));

        foreach (var wheel in wheels)
        {
            var versionFolder = Path.Combine(json, wheel.Version);
            Directory.CreateDirectory(versionFolder);
            File.WriteAllText(Path.Combine(versionFolder, "json"), new JsonObject
            {
                ["info"] = Info(wheel),
                ["urls"] = new JsonArray(FileJson(wheel, baseUrl)),
            }.ToJsonString(Indented));
        }
    }

    private static JsonObject Info(BuiltWheel wheel) => new()
    {
        ["name"] = wheel.Name,
        ["version"] = wheel.Version,
        ["summary"] = wheel.Summary,
        ["requires_python"] = wheel.RequiresPython,
    };

    private static JsonObject FileJson(BuiltWheel wheel, Uri baseUrl) => new()
    {
        ["filename"] = wheel.FileName,
        ["url"] = new Uri(baseUrl, $"{PackagesFolder}/{wheel.FileName}").ToString(),
        ["digests"] = new JsonObject { ["sha256"] = wheel.Sha256 },
        ["packagetype"] = "bdist_wheel",
        ["python_version"] = "py3",
        ["requires_python"] = wheel.RequiresPython,
        ["size"] = wheel.Size,
        ["yanked"] = false,
    };

    private static string Header(string title) =>
        $"<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.0\">\n    <title>{title}</title>\n  </head>\n  <body>\n";

    private const string Footer = "  </body>\n</html>\n";
}
