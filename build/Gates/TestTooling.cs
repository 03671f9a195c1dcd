using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;
using Serilog;
using TemplateFleet.Fleet;
using TemplateFleet.Images;

namespace TemplateFleet.Gates;

/// <summary>
/// What a template's test container gets besides its image, and never a shipped image: Debian's python3-pytest
/// (fleet.yaml tests.pytest, bookworm's build for the images' Python 3.11) from the test-tooling image (fleet.yaml
/// tests.tools, built FROM the run's base, reused while its inputs are unchanged), and the test suites' folders.
/// Both go into the stopped test container as tar archives; a <c>.pth</c> file then puts the tooling on the path of
/// the image's own venv in that container only.
/// </summary>
public sealed class TestTooling(RunContext context)
{
    /// <summary>Where the tooling lands in a test container; the .pth file names it.</summary>
    public const string ToolsPath = "/opt/fleet-test-tools";
    /// <summary>Where the suites land: /opt/fleet-tests/&lt;suite name&gt;/.</summary>
    public const string SuitesPath = "/opt/fleet-tests";
    public const string PytestVersionArg = "PYTEST_VERSION";

    readonly IDockerClient docker = context.Engine.Client;

    /// <summary>The tooling image's /opt/fleet-test-tools as a tar to extract at /opt, built first when needed.</summary>
    public async Task<byte[]> ArchiveAsync(FleetConfig fleet, FleetTests tests, string baseReference, CancellationToken ct)
    {
        var request = new ImageBuildRequest("test-tools", tests.ToolsFolder,
            new Dictionary<string, string> { [BuildArgs.BaseImage.Name] = baseReference, [PytestVersionArg] = tests.Pytest },
            new Dictionary<string, string>(), [], Path.Combine(context.Paths.Logs, "test-tools.build.log"));
        var inputs = await BuildInputs.AddressAsync(request, ct);
        var tag = $"{fleet.Images.RepositoryOf("test-tools")}:{(inputs is null ? "latest" : ReleaseInputs.Short(inputs))}";
        var built = await new ImageBuilder(docker).BuildAsync(request with { Tags = [tag] }, ct);
        if (!built.Succeeded)
            throw new FleetException($"TemplateTests: the test tooling image could not be built (python3-pytest {tests.Pytest}):\n{built.FailureMessage}");
        Log.Information("TemplateTests: test tooling {Image} (python3-pytest {Version}) in {Seconds:0.0} s", tag, tests.Pytest, built.Duration.TotalSeconds);

        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = built.ImageId!,
            Labels = GateLabels.For(context.RunId, TemplateTestGate.Gate, "test-tools"),
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, ct);
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
                    var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{target}/{relative}") { Mode = Readable, Uid = 0, Gid = 0 };
                    using var content = File.OpenRead(path);
                    entry.DataStream = content;
                    tar.WriteEntry(entry);
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
}
