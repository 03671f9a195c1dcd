namespace TemplateFleet.Files;

/// <summary>Written next to the target and renamed over it: a reader sees the old file or the new one, never a part.</summary>
public static class AtomicFile
{
    public static async Task WriteAsync(string path, byte[] content, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllBytesAsync(temp, content, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
