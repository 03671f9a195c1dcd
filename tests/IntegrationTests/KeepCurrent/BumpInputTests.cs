using System.Security.Cryptography;
using TemplateFleet.Host;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.KeepCurrent;

/// <summary>
/// Bump's bad input, through the real Build class on a copy of the repository, against the npm registry these hosts
/// reach (and a loopback port nobody answers on): each mistake is one line and exit 2, before anything is built, and
/// the repository's files are exactly as they were.
/// </summary>
public sealed class BumpInputTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("bump-input-").FullName;

    public BumpInputTests() => UnitTests.TreeCopy.Repository(RepositoryRoot.Path, _root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    (int Exit, string Output) Bump(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var output = new StringWriter();
        var exit = BuildRunner.Run<Build>(["Bump", .. args], new BuildContextOptions
        {
            RootDirectory = _root,
            WorkingDirectory = _root,
            Environment = environment ?? new Dictionary<string, string>(),
            Out = output,
            Error = output,
            UseColor = false,
        });
        return (exit, output.ToString());
    }

    string Templates() => string.Join("\n", Directory.EnumerateFiles(Path.Combine(_root, "templates"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{f} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    void Refused((int Exit, string Output) run, string line)
    {
        Assert.True(run.Exit == 2, run.Output);
        Assert.Contains(line, run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.DoesNotContain("═══ Restore", run.Output); // nothing ran
    }

    [Fact]
    public void Each_mistake_is_one_line_before_anything_is_written()
    {
        var before = Templates();

        Refused(Bump(null), "Bump needs --input: the upstream input to move");
        Refused(Bump(null, "--input", "codx"), "--input 'codx' is not an input of this fleet; the inputs are: claude-code, codex, hermes, openclaw, node, npm, docker-cli, debian-security, runtime.");
        Refused(Bump(null, "--input", "codex", "--input-version", "99.0.0"), "--input-version 99.0.0: npm @openai/codex has no such version");
        Refused(Bump(null, "--input", "codex", "--input-version", "0.171.0-linux-x64"), "--input-version 0.171.0-linux-x64: codex's policy holds it back (platform build)");
        Refused(Bump(null, "--input", "node", "--input-version", "26.12.1"), "--input-version 26.12.1: node's policy holds it back (new major (24 → 26; allowMajor is off))");
        Refused(Bump(null, "--input", "runtime"), "--input runtime: the runtime moves through Cascade");
        var closed = new Dictionary<string, string> { ["npm_config_registry"] = $"http://127.0.0.1:{VerdaccioRegistry.FreePort()}/" };
        Refused(Bump(closed, "--input", "codex"), "--input codex: npm view @openai/codex: npm failed (ECONNREFUSED");

        Assert.Equal(before, Templates());

        var lockFile = Path.Combine(_root, "templates", "claude-code", "agent", "package.json");
        File.WriteAllText(lockFile, File.ReadAllText(lockFile).Replace("\"2.1.", "\"1.0.", StringComparison.Ordinal));
        before = Templates();
        Refused(Bump(null, "--input", "codex"), "templates/claude-code/agent/package.json: its dependencies must be exactly");

        Assert.Equal(before, Templates());
    }
}
