namespace UnitTests;

/// <summary>The repository root, found from the test binaries (no absolute paths in the repository).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TemplateFleet.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("TemplateFleet.sln not found above the test binaries");
    }
}
