namespace TemplateFleet.IntegrationTests.Support;

/// <summary>Finds the repository root (the folder holding TemplateFleet.sln) from the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TemplateFleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TemplateFleet.sln above {AppContext.BaseDirectory}.");
    }

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
