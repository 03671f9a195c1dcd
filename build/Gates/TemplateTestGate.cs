using System.Formats.Tar;
using System.Xml.Linq;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Images;
using TemplateFleet.Results;

namespace TemplateFleet.Gates;

/// <summary>
/// TemplateTests: each template's own tests (template.yaml <c>tests</c>) and the fleet's (fleet.yaml
/// <c>tests.suites</c>), run inside the template's built image: a container of that image with no network but
/// loopback, the test tooling and the suites copied into it (never into the image), each suite run by the image's
/// own python3 in its own working directory and with its PYTHONPATH, as the suite's user, within its timeout.
/// One check per test; pytest's JUnit per template is kept under output/reports/template-tests/.
/// </summary>
public static class TemplateTestGate
{
    public const string TargetName = "TemplateTests";
    /// <summary>The gate's name in results (output/results/template-tests/), reports and container labels.</summary>
    public const string Gate = "template-tests";
    public const string Shape = "no network (loopback only), tests as their suite's user";

    /// <summary>Where the tooling lands in a test container; the .pth file names it.</summary>
    public const string ToolsPath = "/opt/fleet-test-tools";
    /// <summary>Where the suites land: /opt/fleet-tests/&lt;suite name&gt;/.</summary>
    public const string SuitesPath = "/opt/fleet-tests";
    public const string PytestVersionArg = "PYTEST_VERSION";

    /// <summary>
    /// The test tooling: what a template's test container gets besides its image, and never a shipped image: Debian's
    /// python3-pytest (fleet.yaml tests.pytest, bookworm's build for the images' Python 3.11) from the test-tooling
    /// image (fleet.yaml tests.tools, built FROM the run's base, reused while its inputs are unchanged), as the
    /// tooling image's /opt/fleet-test-tools in a tar to extract at /opt, built first when needed. It and the suites'
    /// folders go into the stopped test container as tar archives; a <c>.pth</c> file (<see cref="ActivateScript"/>)
    /// then puts the tooling on the path of the image's own venv in that container only.
    /// </summary>
    static async Task<byte[]> ToolingArchiveAsync(RunContext context, FleetConfig fleet, FleetTests tests, string baseReference, CancellationToken ct)
    {
        var docker = context.Engine.Client;
        var request = new ImageBuildRequest("test-tools", tests.ToolsFolder,
            new Dictionary<string, string> { [BuildArgs.BaseImage.Name] = baseReference, [PytestVersionArg] = tests.Pytest },
            new Dictionary<string, string>(), [], Path.Combine(context.Paths.Logs, "test-tools.build.log"));
        var inputs = await BuildInputs.AddressAsync(request, ct);
        var tag = $"{fleet.Images.RepositoryOf("test-tools")}:{(inputs is null ? "latest" : ReleaseInputs.Short(inputs))}";
        var built = await new ImageBuilder(docker).BuildAsync(request with { Tags = [tag] }, ct);
        if (!built.Succeeded)
            throw new FleetException($"TemplateTests: the test tooling image could not be built (python3-pytest {tests.Pytest}):\n{built.FailureMessage}");
        Log.Information("TemplateTests: test tooling {Image} (python3-pytest {Version}) in {Seconds:0.0} s", tag, tests.Pytest, built.Duration.TotalSeconds);

        var created = await docker.Containers.CreateContainerAsync(GateContainer.Spec(built.ImageId!, GateLabels.For(context.RunId, Gate, "test-tools"), new HostConfig { NetworkMode = "none" }), ct);
        await using var container = new GateContainer(docker, created.ID);
        var archive = await docker.Containers.GetArchiveFromContainerAsync(created.ID, new ContainerPathStatParameters { Path = ToolsPath }, false, ct);
        using var buffer = new MemoryStream();
        await using var stream = archive.Stream ?? throw new FleetException($"TemplateTests: the engine returned no archive of {ToolsPath} from the test tooling image");
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>The suites' folders as a tar to extract at /: root-owned, readable by everyone, no caches.</summary>
    public static byte[] SuitesArchive(IEnumerable<TestSuite> suites)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var folders = new HashSet<string>(StringComparer.Ordinal);
            void Folder(string name)
            {
                if (folders.Add(name))
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = Readable | Executable, Uid = 0, Gid = 0 });
            }
            foreach (var suite in suites)
            {
                var target = $"{SuitesPath.TrimStart('/')}/{suite.Name}";
                var segments = target.Split('/');
                for (var i = 1; i <= segments.Length; i++)
                    Folder(string.Join('/', segments[..i]));
                foreach (var path in Directory.EnumerateFileSystemEntries(suite.Folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var relative = Path.GetRelativePath(suite.Folder, path).Replace('\\', '/');
                    if (relative.Split('/').Any(p => p is "__pycache__" or ".pytest_cache"))
                        continue;
                    if (Directory.Exists(path))
                    {
                        Folder($"{target}/{relative}");
                        continue;
                    }
                    using var content = File.OpenRead(path);
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{target}/{relative}") { Mode = Readable, Uid = 0, Gid = 0, DataStream = content });
                }
            }
        }
        return buffer.ToArray();
    }

    const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Run as root in the test container: the image's own python3 says where its venv's site-packages are.</summary>
    public const string ActivateScript =
        "site=\"$(python3 -c 'import sysconfig; print(sysconfig.get_path(\"purelib\"))')\" && " +
        "echo " + ToolsPath + " > \"$site/zz-fleet-test-tools.pth\" && python3 -m pytest --version";

    /// <summary>The suites a template's image runs: its own first, then the fleet's.</summary>
    public static IReadOnlyList<TestSuite> SuitesFor(FleetConfig fleet, Template template) =>
        [.. template.Tests is { } own ? [own] : Array.Empty<TestSuite>(), .. fleet.Tests?.Suites ?? []];

    /// <summary>Whether Publish needs this gate's pass for the template (it has tests to run).</summary>
    public static bool Applies(FleetConfig fleet, Template template) => SuitesFor(fleet, template).Count > 0;

    public static async Task<IReadOnlyList<GateResult>> RunAsync(RunContext context, FleetRun run, ResultStore store, GateOptions options, CancellationToken ct)
    {
        var tested = run.Templates.Where(t => Applies(run.Config, t)).ToList();
        foreach (var template in run.Templates.Except(tested))
            Log.Information("{Target}: {Template} declares no tests (template.yaml tests) and the fleet none (fleet.yaml tests.suites)", TargetName, template.Name);
        if (tested.Count == 0 || run.Config.Tests is not { } tests)
            return [];
        if (store.BaseReference is not { } baseReference)
            throw new FleetException($"{TargetName}: there is no base to build the test tooling FROM; run BuildImage first.");

        // Made when the first template is tested: a run whose templates are all unchanged since their pins (or all
        // failed to build) tests nothing, and builds no tooling.
        var tools = new Lazy<Task<byte[]>>(() => ToolingArchiveAsync(context, run.Config, tests, baseReference, ct));
        var reports = options.ReportsDirectory is { } dir ? Path.Combine(dir, Gate) : null;
        return await new GateRunner(context, Gate, TargetName).RunAsync(run with { Templates = tested }, store, options with { ListPassingChecks = false },
            async (template, imageId, checks, token) =>
            {
                checks.Shape = Shape;
                var tooling = await tools.Value.ConfigureAwait(false);
                var docker = context.Engine.Client;
                var suites = SuitesFor(run.Config, template);
                // The image's environment and working directory stay; only the process is a placeholder the tests exec beside (they
                // start the entrypoint themselves where they test it), as root, with no network but loopback.
                var spec = GateContainer.Spec(imageId, GateLabels.For(context.RunId, Gate, template.Name), new HostConfig { NetworkMode = "none" }, ["sleep"], ["infinity"], CheckUsers.RootUid);
                // Removed however the run ends (the gate runner also reaps by label).
                await using var container = await GateContainer.StartAsync(docker, spec, token, async id =>
                {
                    await Extract(docker, id, "/opt", tooling, token).ConfigureAwait(false);
                    await Extract(docker, id, "/", SuitesArchive(suites), token).ConfigureAwait(false);
                }).ConfigureAwait(false);
                var activated = await container.ShellAsync(ActivateScript, CheckUsers.RootUid, TimeSpan.FromSeconds(60), token).ConfigureAwait(false);
                if (!activated.Succeeded)
                    throw new GateSetupException($"pytest does not run with the image's own python3 (exit {activated.ExitCode?.ToString() ?? "none"}): {(activated.Stderr + activated.Stdout).Trim()}");

                var junits = new List<XElement>();
                for (var i = 0; i < suites.Count; i++)
                {
                    var suite = suites[i];
                    var junitPath = $"/tmp/fleet-template-tests-{i}.xml";
                    var ran = await container.RunAsync(PytestCommand(suite, junitPath), CheckUsers.ExecUser(suite.User), TimeSpan.FromSeconds(suite.TimeoutSeconds), token).ConfigureAwait(false);
                    var junit = ran.TimedOut ? null : await container.RunAsync(["cat", junitPath], CheckUsers.RootUid, TimeSpan.FromSeconds(30), token).ConfigureAwait(false);
                    var found = PytestReport.Read(suite, junit is { Succeeded: true } ? junit.Stdout : null, ran, junits);
                    checks.Checks.AddRange(found);
                    Log.Information("{Target}: {Template} {Suite} as {User}: {Passed}/{Total} in {Seconds:0.0} s", TargetName, template.Name, suite.Name, suite.User,
                        found.Count(c => c.Passed), found.Count, ran.Duration.TotalSeconds);
                }
                foreach (var failed in checks.Checks.Where(c => !c.Passed))
                    Log.Error("{Target}: {Template} FAILED {Test}: {Reason}{Output}", TargetName, template.Name, failed.Id, failed.Reason, Captured(failed));
                if (reports is not null)
                {
                    Directory.CreateDirectory(reports);
                    new XDocument(new XElement("testsuites", new XAttribute("name", $"{Gate}.{template.Name}"), junits))
                        .Save(Path.Combine(reports, $"{template.Name}.junit.xml"));
                }
            }, ct).ConfigureAwait(false);
    }

    /// <summary>pytest as the image's own python3 runs it: in the container's working directory, with its PYTHONPATH.</summary>
    internal static IReadOnlyList<string> PytestCommand(TestSuite suite, string junitPath)
    {
        var folder = $"{SuitesPath}/{suite.Name}";
        return ["python3", "-m", "pytest", "-p", "no:cacheprovider", "-p", "fleet_template_tests", "--rootdir", folder, "-q", "-rfE",
            "--junitxml", junitPath, "-o", "junit_family=xunit1", "-o", "junit_logging=out-err", "-o", $"junit_suite_name={suite.Name}", folder];
    }

    static Task Extract(IDockerClient docker, string id, string path, byte[] tar, CancellationToken ct) =>
        docker.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = path }, new MemoryStream(tar, writable: false), ct);

    /// <summary>A failing test's traceback tail and captured output, for the console (the reports keep all of it).</summary>
    static string Captured(CheckResult c)
    {
        var text = string.Join('\n', new[] { c.Stderr, c.Stdout.Length > 0 ? "--- captured stdout ---\n" + c.Stdout : "" }.Where(s => s.Length > 0)).TrimEnd();
        return text.Length == 0 ? "" : "\n    " + GateContainer.Tail(text, 1500).Replace("\n", "\n    ", StringComparison.Ordinal);
    }
}
