using TemplateFleet.Images;

namespace TemplateFleet.Fleet;

/// <summary>
/// A folder of pytest tests that TemplateTests runs inside a template's built image, with the image's own
/// interpreter, PYTHONPATH and working directory, as <see cref="User"/>, with no network but loopback.
/// </summary>
/// <param name="Name">The folder relative to templates/, '/'-separated ("codex/tests"): test ids start with it.</param>
/// <param name="Folder">The folder's absolute path.</param>
/// <param name="User">agent or root (<see cref="CheckUsers"/>): who runs that code in production.</param>
/// <param name="TimeoutSeconds">The whole suite's run; past it the suite fails with "timed out".</param>
public sealed record TestSuite(string Name, string Folder, string User, int TimeoutSeconds);

/// <summary>fleet.yaml <c>tests</c>: the test tooling, and the suites every template's image runs besides its own.</summary>
/// <param name="ToolsFolder">Absolute folder of the test-tooling image's Dockerfile (FROM the base; never shipped).</param>
/// <param name="Pytest">The exact Debian version of python3-pytest the tooling installs.</param>
public sealed record FleetTests(string ToolsFolder, string Pytest, IReadOnlyList<TestSuite> Suites);

/// <summary>
/// Reads <c>tests</c> of fleet.yaml and of template.yaml strictly: a folder that does not exist, a folder the
/// image's build context would take in (a test-only change must never change an image), or a key of the wrong
/// type is an error at its file:line:column.
/// </summary>
internal static class TestSuitesReader
{
    public const int DefaultTimeoutSeconds = 120;
    static readonly string[] SuiteKeys = ["folder", "user", "timeoutSeconds"];

    /// <summary>fleet.yaml's <c>tests</c>; null when absent. <paramref name="contexts"/>: build-context folders (base, templates) by name.</summary>
    public static FleetTests? ReadFleet(YamlObject doc, string root, string templatesDirectory, IReadOnlyCollection<string> contexts)
    {
        var tests = doc.Object("tests", required: false, "tools", "pytest", "suites");
        if (tests is null)
            return null;
        var tools = tests.Scalar("tools", required: true);
        var toolsFolder = tools is null ? null : Path.GetFullPath(Path.Combine(templatesDirectory, tools.Value));
        if (tools is not null && !File.Exists(Path.Combine(toolsFolder!, FleetLoader.DockerfileName)))
            tests.Errors.Add(tools.Start, $"'tests.tools' names {FleetLoader.Display(root, toolsFolder!)}/, which has no {FleetLoader.DockerfileName}; it builds the test tooling image");
        var pytest = tests.Scalar("pytest", required: true, Names.DebianVersion().IsMatch, v => $"'tests.pytest' must be the exact Debian version of python3-pytest (e.g. 7.2.1-2), got '{Printable.Of(v)}'");
        var suites = new List<TestSuite>();
        foreach (var item in tests.Objects("suites", SuiteKeys))
        {
            var suite = ReadSuite(item, root, templatesDirectory, templatesDirectory, contexts);
            if (suite is not null && suites.Any(s => s.Name == suite.Name))
                item.Errors.Add(item.Start, $"suite folder '{suite.Name}' is listed twice; keep one");
            else if (suite is not null)
                suites.Add(suite);
        }
        return tools is null || pytest is null ? null : new FleetTests(toolsFolder!, pytest.Value, suites);
    }

    /// <summary>template.yaml's <c>tests</c>, a folder of the template; null when absent.</summary>
    public static TestSuite? ReadTemplate(YamlObject doc, string root, string templateDirectory, FleetConfig fleet)
    {
        var tests = doc.Object("tests", required: false, SuiteKeys);
        if (tests is null)
            return null;
        if (fleet.Tests is null)
            doc.Errors.Add(doc.At("tests"), "'tests' needs the fleet's test tooling: add `tests:` with `tools` and `pytest` to templates/fleet.yaml");
        return ReadSuite(tests, root, fleet.TemplatesDirectory, templateDirectory, [Path.GetFileName(templateDirectory)]);
    }

    static TestSuite? ReadSuite(YamlObject item, string root, string templatesDirectory, string relativeTo, IReadOnlyCollection<string> contexts)
    {
        var folderNode = item.Scalar("folder", required: true);
        var folder = folderNode is null ? null : Path.GetFullPath(Path.Combine(relativeTo, folderNode.Value));
        if (folderNode is not null)
        {
            var inside = Path.GetRelativePath(templatesDirectory, folder!).Replace('\\', '/');
            var within = Path.GetRelativePath(relativeTo, folder!);
            var error = Path.IsPathRooted(folderNode.Value) || within.StartsWith("..", StringComparison.Ordinal) || within == "."
                ? $"'{item.Child("folder")}' must be a folder inside {FleetLoader.Display(root, relativeTo)}/, got '{Printable.Of(folderNode.Value)}'"
                : !Directory.Exists(folder)
                    ? $"'{item.Child("folder")}' names {FleetLoader.Display(root, folder!)}/, which does not exist; create it or fix the path"
                    : ContextTakingIn(templatesDirectory, inside, contexts) is { } context
                        ? $"'{item.Child("folder")}' {inside.Split('/', 2)[1]}/ is sent in the build context of {FleetLoader.Display(root, Path.Combine(templatesDirectory, context))}/: add '{inside.Split('/', 2)[1]}/' to its {DockerIgnore.FileName}, so a test-only change never changes the image"
                        : null;
            folder = error is null ? folder : item.Fail<string>(folderNode, error);
        }
        var user = item.Scalar("user", required: false, CheckUsers.IsKnown, v => $"'{item.Child("user")}' must be {CheckUsers.Known} (who runs that code in production), got '{Printable.Of(v)}'");
        var timeout = item.Int("timeoutSeconds", required: false, 1, 3600) ?? DefaultTimeoutSeconds;
        if (folder is null || (user is not null && !CheckUsers.IsKnown(user.Value)))
            return null;
        return new TestSuite(Path.GetRelativePath(templatesDirectory, folder).Replace('\\', '/'), folder, user?.Value ?? CheckUsers.Agent, timeout);
    }

    /// <summary>The image folder (base or a template) whose build context would hold <paramref name="relative"/>, or null.</summary>
    static string? ContextTakingIn(string templatesDirectory, string relative, IReadOnlyCollection<string> contexts)
    {
        var parts = relative.Split('/', 2);
        if (parts.Length < 2 || !contexts.Contains(parts[0], StringComparer.Ordinal))
            return null;
        // What the builder sends, exactly (.dockerignore with its re-inclusions): no entry may lie in the suite's folder.
        var sent = BuildContext.Entries(Path.Combine(templatesDirectory, parts[0]));
        return sent.Any(e => e == parts[1] || e.StartsWith(parts[1] + "/", StringComparison.Ordinal)) ? parts[0] : null;
    }
}
