using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Bootstrap;

/// <summary>
/// A copy of what the bootstraps read (build/, the bootstraps, global.json, Directory.Build.props, .nuke/,
/// templates/) in a temporary folder, so compiles and changed sources never touch the checkout's own build. It
/// holds one extra source, build/StaleProbe.cs: a target whose description --help prints, so a test sees which
/// version of it was compiled.
/// </summary>
public sealed class BootstrapCopy : IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    public BootstrapCopy()
    {
        UnitTests.TreeCopy.Repository(RepositoryRoot.Path, Root);
        UnitTests.TreeCopy.Copy(RepositoryRoot.Combine("build"), Path.Combine(Root, "build"),
            r => r.Split('/').Any(segment => segment is "bin" or "obj"));
        foreach (var file in new[] { "build.sh", "build.ps1", "global.json", "Directory.Build.props", ".editorconfig" })
        {
            File.Copy(RepositoryRoot.Combine(file), Path.Combine(Root, file));
        }
        File.WriteAllText(Combine(Probe), ProbeSource(Mark));
    }

    /// <summary>The probe's version in the copy now: '1' as made, or the last mark it was changed to.</summary>
    public char Mark { get; private set; } = '1';

    public const string Probe = "build/StaleProbe.cs";

    /// <summary>What --help prints for the probe's version <paramref name="mark"/>.</summary>
    public static string ProbeDescription(char mark) => $"stale probe {mark}";

    private static string ProbeSource(char mark) =>
        "using TemplateFleet.Host;\n\nnamespace TemplateFleet;\n\n" +
        "// Written by the bootstrap tests into a copy of the repository: --help shows which version was compiled.\n" +
        $"internal sealed partial class Build\n{{\n    Target StaleProbe => _ => _.Description(\"{ProbeDescription(mark)}\");\n}}\n";

    /// <summary>
    /// Rewrites the probe as version <paramref name="mark"/> in place (the same inode), one character changed, so
    /// the same size, and puts its modification time back to the nanosecond: only its content and ctime differ.
    /// </summary>
    public void ChangeProbeKeepingSizeAndTime(char mark)
    {
        var probe = Combine(Probe);
        var reference = Combine("StaleProbe.cs.reference");
        Run("cp", "-p", probe, reference);
        using (var stream = new FileStream(probe, FileMode.Open, FileAccess.Write))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(ProbeSource(mark));
            Assert.Equal(new FileInfo(reference).Length, bytes.Length);
            stream.Write(bytes);
        }
        Run("touch", "-r", reference, probe);
        Assert.Equal(File.GetLastWriteTimeUtc(reference), File.GetLastWriteTimeUtc(probe));
        Assert.NotEqual(File.ReadAllText(reference), File.ReadAllText(probe));
        File.Delete(reference);
        Mark = mark;
    }

    public static void Run(string program, params string[] args)
    {
        using var process = Process.Start(program, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("bootstrap-").FullName;

    public string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    public string Temp(params string[] parts) => Path.Combine([Root, ".nuke", "temp", .. parts]);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>The compiled build as a file system sees it: a compile swaps in a new folder, so a new inode.</summary>
    public (string Inode, DateTime Written) Compiled()
    {
        var dll = Temp("bin", "_build.dll");
        var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", dll]) { RedirectStandardOutput = true })!;
        stat.WaitForExit();
        return (stat.StandardOutput.ReadToEnd().Trim(), File.GetLastWriteTimeUtc(dll));
    }

    /// <summary>Runs a bootstrap of the copy: "sh" (build.sh) or "ps1" (build.ps1 through the pinned pwsh).</summary>
    public Task<(int Exit, string Output)> RunAsync(string bootstrap, string log, params string[] args) => bootstrap switch
    {
        "sh" => BuildScript.RunProgramAsync(log, Root, NoEnvironment, Combine("build.sh"), args),
        "ps1" => BuildPs1Tests.BuildPs1Async(log, Root, args),
        _ => throw new ArgumentOutOfRangeException(nameof(bootstrap), bootstrap, "sh or ps1"),
    };
}
