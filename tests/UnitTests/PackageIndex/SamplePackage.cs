namespace TemplateFleet.UnitTests.PackageIndex;

/// <summary>A throwaway development package source folder in the temp directory.</summary>
internal sealed class SamplePackage : IDisposable
{
    public SamplePackage(string yaml = DefaultYaml)
    {
        Directory.CreateDirectory(Path.Combine(Root, "demo_pkg", "sub"));
        Directory.CreateDirectory(Path.Combine(Root, "demo_pkg", "__pycache__"));
        File.WriteAllText(Path.Combine(Root, "package.yaml"), yaml);
        File.WriteAllText(Path.Combine(Root, "demo_pkg", "__init__.py"), "");
        File.WriteAllText(Path.Combine(Root, "demo_pkg", "main.py"), "def main():\n    print('hi')\n");
        File.WriteAllText(Path.Combine(Root, "demo_pkg", "sub", "x.py"), "X = 1\n");
        File.WriteAllText(Path.Combine(Root, "demo_pkg", "__pycache__", "main.cpython-311.pyc"), "junk");
    }

    public const string DefaultYaml = """
        summary: "DEVELOPMENT BUILD of demo (not the published package)"
        modules: [demo_pkg]
        scripts: { demo-run: "demo_pkg.main:main" }
        requiresPython: ">=3.11"
        dependencies: []
        """;

    public string Root { get; } = Directory.CreateTempSubdirectory("fleet-pkg-").FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
