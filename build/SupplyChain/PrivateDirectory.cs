namespace TemplateFleet.SupplyChain;

/// <summary>A folder only this user can read (0700), for what must touch the disk briefly (a report before
/// conversion, registry credentials for cosign); removed on dispose.</summary>
public sealed record PrivateDirectory(string Path) : IDisposable
{
    public static PrivateDirectory Create(string parent, string prefix)
    {
        Directory.CreateDirectory(parent);
        var path = System.IO.Path.Combine(parent, $"{prefix}-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new PrivateDirectory(path);
    }

    /// <summary>Writes a file readable by this user only.</summary>
    public string WriteSecretFile(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(file, options);
        writer.Write(content);
        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
