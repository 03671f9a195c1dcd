using System.Formats.Tar;
using System.IO.Pipelines;
using TemplateFleet.Pins;

namespace TemplateFleet.Images;

/// <summary>
/// A build context streamed as a tar through a pipe (never buffered whole): the folder's files minus
/// .dockerignore'd ones (Dockerfile and .dockerignore always sent) and the folder's pin file, plus injected extra files.
/// Owners are root and timestamps fixed so the bytes depend only on names, modes and contents.
/// </summary>
public static class BuildContext
{
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The files (relative, '/'-separated, sorted) that go into the context, folders included.</summary>
    public static IReadOnlyList<string> Entries(string directory, string dockerfile = "Dockerfile")
    {
        var ignore = DockerIgnore.Load(directory);
        var alwaysSent = new HashSet<string>(StringComparer.Ordinal) { dockerfile, DockerIgnore.FileName };
        return Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(directory, p).Replace(Path.DirectorySeparatorChar, '/'))
            // The pin is what publishing the image wrote, never what it is built from: were it sent, every
            // publish would change the inputs of the next build, and an unchanged template would never stay so.
            .Where(p => p != Pins.PinFile.FileName)
            .Where(p => alwaysSent.Contains(p) || !ignore.IsExcluded(p))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <param name="extraFiles">Relative name -> content; replaces a context file of the same name.</param>
    public static Stream Open(string directory, IReadOnlyDictionary<string, byte[]> extraFiles, CancellationToken ct, string dockerfile = "Dockerfile")
    {
        var entries = Entries(directory, dockerfile).Where(e => !extraFiles.ContainsKey(e)).ToList();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        _ = Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                await using var output = pipe.Writer.AsStream(leaveOpen: true);
                await using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
                {
                    foreach (var entry in entries)
                    {
                        ct.ThrowIfCancellationRequested();
                        await WriteEntryAsync(tar, directory, entry, ct);
                    }

                    foreach (var (name, content) in extraFiles.OrderBy(f => f.Key, StringComparer.Ordinal))
                    {
                        var tarEntry = NewEntry(TarEntryType.RegularFile, name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                        tarEntry.DataStream = new MemoryStream(content, writable: false);
                        await tar.WriteEntryAsync(tarEntry, ct);
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
            }

            await pipe.Writer.CompleteAsync(failure);
        }, CancellationToken.None);
        return pipe.Reader.AsStream();
    }

    private static async Task WriteEntryAsync(TarWriter tar, string directory, string entry, CancellationToken ct)
    {
        var path = Path.Combine(directory, entry);
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            var link = NewEntry(TarEntryType.SymbolicLink, entry, info.UnixFileMode);
            link.LinkName = target;
            await tar.WriteEntryAsync(link, ct);
        }
        else if (Directory.Exists(path))
            await tar.WriteEntryAsync(NewEntry(TarEntryType.Directory, entry + "/", new DirectoryInfo(path).UnixFileMode), ct);
        else
        {
            var file = NewEntry(TarEntryType.RegularFile, entry, info.UnixFileMode);
            await using var content = File.OpenRead(path);
            file.DataStream = content;
            await tar.WriteEntryAsync(file, ct);
        }
    }

    private static PaxTarEntry NewEntry(TarEntryType type, string name, UnixFileMode mode) =>
        new(type, name) { Mode = mode, ModificationTime = FixedTime, Uid = 0, Gid = 0 };
}
