using System.Text;

namespace TemplateFleet.Files;

/// <summary>
/// The one way the build writes a file others read (pins, result records, SBOMs): next to the target, flushed to disk, then
/// renamed over it, so a reader sees the old file or the new one, never a part.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, string text, bool replace = true) => Write(path, Encoding.UTF8.GetBytes(text), replace);

    /// <param name="replace">False: a file there already is an <see cref="IOException"/> (a record written once).</param>
    public static void Write(string path, byte[] content, bool replace = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: replace);
        }
        finally
        {
            // Moved: nothing is left to delete (File.Delete of a missing file does nothing).
            File.Delete(temp);
        }
    }
}
