using System.Text.RegularExpressions;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Fleet;

/// <summary>
/// Loads templates/fleet.yaml and templates/&lt;name&gt;/template.yaml strictly: every mistake of a file is
/// reported together, each as `templates/...:line:column: what is wrong`, in one <see cref="FleetException"/>.
/// </summary>
public static class FleetLoader
{
    public const string TemplatesFolder = "templates";
    public const string FleetFileName = "fleet.yaml";
    public const string ManifestFileName = "template.yaml";
    public const string DockerfileName = "Dockerfile";

    public static FleetConfig LoadFleet(string repoRoot)
    {
        var root = Path.GetFullPath(repoRoot);
        var templatesDirectory = Path.Combine(root, TemplatesFolder);
        var file = Path.Combine(templatesDirectory, FleetFileName);
        var errors = new YamlErrors(Display(root, file));
        var config = YamlDocument.ReadFile(file, errors, FleetKeys) is { } doc ? ReadFleet(doc, root, templatesDirectory) : null;
        errors.ThrowIfAny();
        return config!;
    }

    /// <summary>Loads the named templates (in the given order); all their errors are reported together.</summary>
    public static IReadOnlyList<Template> LoadTemplates(FleetConfig fleet, IEnumerable<string> names) =>
        FleetException.Collect(names, name => LoadTemplate(fleet, name));

    public static Template LoadTemplate(FleetConfig fleet, string name)
    {
        var root = RepositoryRoot(fleet);
        if (!fleet.TemplateNames.Contains(name, StringComparer.Ordinal))
            throw new FleetException($"unknown template '{Printable.Of(name)}'; templates/fleet.yaml lists: {string.Join(", ", fleet.TemplateNames)}");
        var directory = Path.Combine(fleet.TemplatesDirectory, name);
        var file = Path.Combine(directory, ManifestFileName);
        var errors = new YamlErrors(Display(root, file));
        var dockerfile = Path.Combine(directory, DockerfileName);
        if (!File.Exists(dockerfile))
            errors.AddFileError($"template '{name}' has no {Display(root, dockerfile)}; every template needs a Dockerfile beside its template.yaml");
        var template = YamlDocument.ReadFile(file, errors, TemplateKeys) is { } doc ? ReadTemplate(doc, name, directory, fleet) : null;
        errors.ThrowIfAny();
        return template!;
    }

    /// <summary>The repository root a fleet was loaded from (the parent of templates/).</summary>
    public static string RepositoryRoot(FleetConfig fleet) => Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(fleet.TemplatesDirectory))!;

    /// <summary>A path as messages show it: relative to the repository root, with forward slashes.</summary>
    public static string Display(string repoRoot, string path) => Path.GetRelativePath(repoRoot, path).Replace('\\', '/');

    private static readonly string[] FleetKeys = ["templates", "images", "base", "runtime", "packages", "contract", "smoke", "tests", "inputs"];
    private static readonly string[] TemplateKeys = ["description", "adapter", "agent", "smoke", "tests"];

    private static FleetConfig? ReadFleet(YamlObject doc, string root, string templatesDirectory)
    {
        var errors = doc.Errors;
        var names = doc.StringList("templates", required: true) ?? [];
        if (doc.Has("templates") && names.Count == 0 && !errors.Any)
            errors.Add(doc.Start, "'templates' must list at least one template");

        var images = doc.Object("images", required: true, "repository", "registry");
        var repository = Repository(images, "repository");
        var registry = images?.String("registry", required: true);

        var baseSection = doc.Object("base", required: true, "folder", "image", "os", "node", "dockerCli");
        var baseFolder = baseSection?.String("folder", required: true);
        var baseImage = Repository(baseSection, "image");
        var os = baseSection?.Object("os", required: true, "image", "suite", "security");
        var osImage = os?.String("image", required: true);
        var osSuite = os?.String("suite", required: true);
        var osSecurity = os?.Scalar("security", required: false, v => DateTimeOffset.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _),
            v => $"'base.os.security' '{Printable.Of(v)}' must be the security archive's date as a timestamp, e.g. 2026-12-05T03:33:30Z (Bump writes it)");
        var node = baseSection?.Object("node", required: true, "package", "version", "npm");
        var nodePackage = NpmPackage(node, "package");
        var nodeVersion = node?.Scalar("version", required: true, Names.ExactSemver().IsMatch, v => $"'{node.Child("version")}' '{v}' is not an exact version; pin one release, e.g. 24.21.0");
        var npmVersion = node?.Scalar("npm", required: true, Names.ExactSemver().IsMatch, v => $"'{node.Child("npm")}' '{v}' is not an exact version; pin one release, e.g. 11.21.2");
        var dockerCli = DebianPackage(baseSection?.Object("dockerCli", required: true, "suite", "package", "version"));
        if (baseFolder is not null)
        {
            var baseDockerfile = Path.Combine(templatesDirectory, baseFolder, DockerfileName);
            if (!Names.TemplateName().IsMatch(baseFolder) || !File.Exists(baseDockerfile))
                errors.Add(baseSection!.Start, $"'base.folder' '{baseFolder}' must be a folder under templates/ with a Dockerfile ({Display(root, baseDockerfile)} is missing)");
        }

        var runtime = doc.Object("runtime", required: true, "package", "command", "health", "development");
        var runtimePackage = PythonPackage(runtime, "package");
        var command = Command(runtime, "command");
        var health = runtime?.Object("health", required: true, "port", "path");
        var port = health?.Int("port", required: true, 1, 65535);
        var healthPath = health?.Scalar("path", required: true, v => v.StartsWith('/'), v => $"'runtime.health.path' must start with '/', got '{v}'");
        var development = runtime?.Object("development", required: true, "source", "versions");
        var runtimeDevelopment = runtimePackage is null || development is null ? null : DevelopmentPackage(development, runtimePackage);

        var packages = new List<DevelopmentPackage>();
        foreach (var item in doc.Objects("packages", "name", "source", "versions"))
        {
            if (PythonPackage(item, "name") is { } name && DevelopmentPackage(item, name) is { } package)
                packages.Add(package);
        }

        var contract = doc.Scalar("contract", required: true);
        var contractFile = contract is null ? null : Path.GetFullPath(Path.Combine(templatesDirectory, contract.Value));
        if (contract is not null && !File.Exists(contractFile))
            errors.Add(contract.Start, $"'contract' names {Display(root, contractFile!)}, which does not exist; create it or fix the path");

        var smoke = ReadSmoke(doc);
        var inputs = ReadInputs(doc.Object("inputs", required: false, ["defaults", "retakeAfter", .. FleetInputs.All]));
        var tests = TestSuitesReader.ReadFleet(doc, root, templatesDirectory, [.. names.Select(n => n.Value), .. baseFolder is null ? [] : new[] { baseFolder }]);

        foreach (var name in names)
        {
            if (FleetInputs.All.Contains(name.Value, StringComparer.Ordinal))
                errors.Add(name.Start, $"template name '{name.Value}' is the name of a fleet-wide input ({string.Join(", ", FleetInputs.All)}); an agent's input is named after its template, so pick another name");
            if (!Names.TemplateName().IsMatch(name.Value))
            {
                errors.Add(name.Start, $"template name '{Printable.Of(name.Value)}' must be a folder name (lower case letters, digits, '.', '_', '-')");
                continue;
            }
            var directory = Path.Combine(templatesDirectory, name.Value);
            if (!Directory.Exists(directory))
                errors.Add(name.Start, $"template '{name.Value}' has no folder {Display(root, directory)}/; create it or remove the name");
            else if (!File.Exists(Path.Combine(directory, ManifestFileName)))
                errors.Add(name.Start, $"template '{name.Value}' has no {Display(root, Path.Combine(directory, ManifestFileName))}; add one");
            if (name.Value == baseFolder)
                errors.Add(name.Start, $"'{name.Value}' is the base image folder, not a template; remove it from 'templates'");
        }

        return errors.Any ? null : new FleetConfig(
            templatesDirectory,
            names.Select(n => n.Value).ToList(),
            new ImageNaming(repository!, registry!),
            new BaseImageConfig(baseFolder!, baseImage!, new OsSource(osImage!, osSuite!) { Security = osSecurity?.Value }, new NodeRuntime(nodePackage!, nodeVersion!.Value, npmVersion!.Value), dockerCli!),
            new RuntimeConfig(runtimePackage!, command!, new HealthEndpoint(port!.Value, healthPath!.Value), runtimeDevelopment!),
            packages,
            contractFile!,
            smoke,
            tests)
        {
            Inputs = inputs,
        };
    }

    /// <summary>fleet.yaml inputs: the defaults, then each fleet-wide input's policy over them.</summary>
    private static InputPolicies ReadInputs(YamlObject? section)
    {
        if (section is null)
            return InputPolicies.Default;
        var defaults = InputPolicyReader.Read(section.Object("defaults", required: false, InputPolicyReader.Keys), InputPolicy.Default);
        var named = FleetInputs.All.Where(section.Has).ToDictionary(input => input,
            input => InputPolicyReader.Read(section.Object(input, required: false, InputPolicyReader.Keys), defaults), StringComparer.Ordinal);
        var retake = section.Scalar("retakeAfter", required: false, v => InputPolicyReader.TryParseAge(v) > InputPolicies.LongestRun,
            v => $"'{section.Child("retakeAfter")}' must be an age longer than {InputPolicyReader.Format(InputPolicies.LongestRun)}, the longest a bump or cascade run may take (its jobs' timeout-minutes), such as 6h; got '{Printable.Of(v)}'");
        return new InputPolicies(defaults, named) { RetakeAfter = InputPolicyReader.TryParseAge(retake?.Value ?? "") ?? InputPolicies.DefaultRetakeAfter };
    }

    private static Template? ReadTemplate(YamlObject doc, string name, string directory, FleetConfig fleet)
    {
        var errors = doc.Errors;
        var description = doc.String("description", required: true);
        var adapter = doc.String("adapter", required: true);
        var agent = doc.Object("agent", required: true, "installer", "package", "version", "command", "policy");
        var installer = agent?.Scalar("installer", required: true) switch
        {
            null => null,
            { Value: "npm" } => AgentInstaller.Npm,
            { Value: "pip" } => AgentInstaller.Pip,
            var node => agent!.Fail<AgentInstaller?>(node, $"'agent.installer' must be npm or pip, got '{node.Value}'"),
        };
        var package = installer == AgentInstaller.Pip ? PythonPackage(agent, "package") : NpmPackage(agent, "package");
        var version = agent?.Scalar("version", required: true, v => installer is null || (installer == AgentInstaller.Npm ? Names.ExactSemver().IsMatch(v) : Pep440Version.TryParse(v, out _)),
            v => $"'agent.version' '{Printable.Of(v)}' is not an exact version (no ^, ~, *, x, ranges or tags like latest); pin one release, e.g. 1.2.3");
        var command = Command(agent, "command");
        var policy = InputPolicyReader.Read(agent?.Object("policy", required: false, InputPolicyReader.Keys), fleet.Inputs.Defaults);
        var smoke = ReadSmoke(doc, fleet.Smoke.Commands.Select(c => c.Name).ToHashSet(StringComparer.Ordinal));
        var tests = TestSuitesReader.ReadTemplate(doc, RepositoryRoot(fleet), directory, fleet);
        return errors.Any
            ? null
            : new Template(name, directory, description!, adapter!, new AgentCli(installer!.Value, package!, version!.Value, command!) { Policy = policy }, smoke, tests);
    }

    /// <summary>A `smoke:` section (fleet-wide or per template) with defaults: user agent, exitCode 0,
    /// timeoutSeconds 30, file type any.</summary>
    private static SmokeChecks ReadSmoke(YamlObject doc, ISet<string>? reservedNames = null)
    {
        if (doc.Object("smoke", required: false, "commands", "files") is not { } smoke)
            return SmokeChecks.None;
        var commands = new List<CommandCheck>();
        var names = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        foreach (var item in smoke.Objects("commands", "name", "run", "user", "exitCode", "stdout", "stderr", "timeoutSeconds"))
        {
            var nameNode = item.Scalar("name", required: true);
            if (nameNode is not null)
            {
                if (names.TryGetValue(nameNode.Value, out var first))
                    smoke.Errors.Add(nameNode.Start, $"duplicate check name '{nameNode.Value}' (first at line {first.Start.Line}); check names must be unique");
                else if (reservedNames?.Contains(nameNode.Value) == true)
                    smoke.Errors.Add(nameNode.Start, $"check name '{nameNode.Value}' is already used by the fleet-wide checks in templates/fleet.yaml; rename it");
                names.TryAdd(nameNode.Value, nameNode);
            }
            var run = item.String("run", required: true);
            var user = item.Scalar("user", required: false, CheckUsers.IsKnown, v => $"'{item.Child("user")}' must be {CheckUsers.Known}, got '{v}'")?.Value
                ?? CheckUsers.Agent;
            var exitCode = item.Int("exitCode", required: false, 0, 255) ?? 0;
            var stdout = Pattern(item, "stdout");
            var stderr = Pattern(item, "stderr");
            var timeout = item.Int("timeoutSeconds", required: false, 1, 3600) ?? 30;
            if (nameNode is not null && run is not null)
                commands.Add(new CommandCheck(nameNode.Value, run, user, exitCode, stdout, stderr, timeout));
        }

        var files = new List<FileCheck>();
        foreach (var item in smoke.Objects("files", "path", "owner", "mode", "type"))
        {
            var pathNode = item.Scalar("path", required: true, v => v.StartsWith('/'), v => $"'{item.Child("path")}' must be an absolute path in the image, got '{v}'");
            var owner = item.Scalar("owner", required: false, Names.Owner().IsMatch, v => $"'{item.Child("owner")}' must be a user name or numeric id, got '{v}'");
            var mode = item.Scalar("mode", required: false);
            if (mode is not null && (!mode.IsQuoted || !Names.OctalMode().IsMatch(mode.Value)))
            {
                smoke.Errors.Add(mode.Start, mode.IsQuoted
                    ? $"'{item.Child("mode")}' must be an octal mode like \"0440\", got '{mode.Value}'"
                    : $"'{item.Child("mode")}' must be a quoted octal string like \"0440\" (unquoted, YAML may read {mode.Value} as a number)");
            }
            var fileType = item.Scalar("type", required: false) switch
            {
                null or { Value: "any" } => FileType.Any,
                { Value: "file" } => FileType.File,
                { Value: "directory" } => FileType.Directory,
                var type => item.Fail<FileType?>(type, $"'{item.Child("type")}' must be one of: any, file, directory; got '{type.Value}'"),
            };
            if (pathNode is not null)
                files.Add(new FileCheck(pathNode.Value, owner?.Value, mode?.Value, fileType ?? FileType.Any));
        }
        return new SmokeChecks(commands, files);
    }

    private static string? Pattern(YamlObject item, string key)
    {
        if (item.Scalar(key, required: false) is not { } node)
            return null;
        if (CheckPlaceholders.Unknown(node.Value) is [var unknown, ..])
            return item.Fail<string>(node, $"'{item.Child(key)}' uses unknown placeholder ${{{unknown}}} (known: {CheckPlaceholders.Known})");
        try
        {
            // Compile with sample values in place of the placeholders, as the Smoke gate will.
            _ = new Regex(CheckPlaceholders.WithSample(node.Value, "1.0.0"), RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            return item.Fail<string>(node, $"'{item.Child(key)}' is not a valid regular expression: {e.Message}");
        }
        return node.Value;
    }

    private static DevelopmentPackage? DevelopmentPackage(YamlObject section, string name)
    {
        var source = section.String("source", required: true);
        var versions = section.StringList("versions", required: true) ?? [];
        var normalised = versions.Select(v => Pep440Version.TryParse(v.Value, out var parsed) ? parsed.ToString()
            : section.Fail<string>(v, $"'{section.Child("versions")}' entry '{Printable.Of(v.Value)}' is not a PEP 440 public version (example: 1.2.3, 1.2.3rc1)")).OfType<string>().ToList();
        return source is null ? null : new DevelopmentPackage(name, source, normalised);
    }

    private static string? Repository(YamlObject? section, string key) =>
        Checked(section, key, Names.ImageRepository(), "a lower-case image repository without tag, e.g. molecule-fleet/base");

    /// <summary>suite, package and the exact Debian version of one package (deb-version(7)).</summary>
    private static DebianPackage? DebianPackage(YamlObject? section)
    {
        var suite = Checked(section, "suite", Names.DebianSuite(), "a Debian suite's code name, e.g. trixie");
        var package = Checked(section, "package", Names.DebianPackage(), "a Debian package name, e.g. docker-cli");
        var version = Checked(section, "version", Names.DebianVersion(), "an exact Debian version, e.g. 26.1.5+dfsg1-9+deb13u1+b1");
        return suite is null || package is null || version is null ? null : new DebianPackage(suite, package, version);
    }

    private static string? PythonPackage(YamlObject? section, string key) =>
        Checked(section, key, PackageName.Pattern(), "a Python package name, e.g. molecule-ai-workspace-runtime");

    private static string? NpmPackage(YamlObject? section, string key) =>
        Checked(section, key, Names.NpmPackage(), "an npm package name, e.g. @openai/codex");

    private static string? Command(YamlObject? section, string key) =>
        Checked(section, key, Names.CommandName(), "a command name without spaces or slashes, e.g. codex");

    private static string? Checked(YamlObject? section, string key, Regex shape, string expected) =>
        section?.Scalar(key, required: true) switch
        {
            null => null,
            var node when shape.IsMatch(node.Value) => node.Value,
            var node => section!.Fail<string>(node, $"'{section.Child(key)}' must be {expected}; got '{Printable.Of(node.Value)}'"),
        };
}
