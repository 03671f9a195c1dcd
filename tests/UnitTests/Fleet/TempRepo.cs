namespace UnitTests.Fleet;

/// <summary>A throw-away repository: the real templates/*.yaml, folders and .dockerignore files copied, plus placeholder
/// Dockerfiles and contract where this checkout has none yet, so single files can be broken one at a time.</summary>
public sealed class TempRepo : IDisposable
{
    public TempRepo()
    {
        Root = Directory.CreateTempSubdirectory("fleet-unit-").FullName;
        var source = Path.Combine(RealRoot, "templates");
        foreach (var file in Directory.EnumerateFiles(source, "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, "templates", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        // The folders (test suites' among them) and each image's .dockerignore, which the loader checks the suites against.
        foreach (var folder in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(Root, "templates", Path.GetRelativePath(source, folder)));
        foreach (var file in Directory.EnumerateFiles(source, ".dockerignore", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(Root, "templates", Path.GetRelativePath(source, file)));
        foreach (var name in new[] { "base", "claude-code", "codex", "hermes", "openclaw", "test-tools" })
        {
            var dockerfile = Path.Combine(Root, "templates", name, "Dockerfile");
            Directory.CreateDirectory(Path.GetDirectoryName(dockerfile)!);
            if (!File.Exists(dockerfile))
            {
                File.WriteAllText(dockerfile, "FROM scratch\n");
            }
        }
        var contract = Path.Combine(Root, "templates", "t4-contract.yaml");
        if (!File.Exists(contract))
        {
            File.WriteAllText(contract, "# placeholder\n");
        }
    }

    public string Root { get; }

    /// <summary>The repository this test assembly was built from.</summary>
    public static string RealRoot => RepositoryRoot.Path;

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
        File.WriteAllText(PathOf(relative), text);
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Replaces exactly one occurrence of <paramref name="from"/> in a file.</summary>
    public void Replace(string relative, string from, string to)
    {
        var text = Read(relative);
        Assert.Equal(1, text.Split(from).Length - 1);
        Write(relative, text.Replace(from, to));
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
