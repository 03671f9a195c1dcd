using System.Formats.Tar;
using System.Text;
using TemplateFleet.Images;

namespace TemplateFleet.UnitTests.Images;

public sealed class BuildContextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-ctx-").FullName;

    public BuildContextTests()
    {
        Write("Dockerfile", "FROM x\n");
        Write(".dockerignore", "*.md\nsecrets\nDockerfile\n.dockerignore\n!secrets/ok.txt\n");
        Write("README.md", "docs");
        Write("app/run.sh", "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_dir, "app/run.sh"), (UnixFileMode)0b111_101_101);
        }
        Write("secrets/key", "k");
        Write("secrets/ok.txt", "ok");
        Write("fleet-extra-ca.crt", "stale");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Honours_dockerignore_but_always_sends_dockerfile_and_dockerignore()
    {
        Assert.Equal([".dockerignore", "Dockerfile", "app", "app/run.sh", "fleet-extra-ca.crt", "secrets/ok.txt"], BuildContext.Entries(_dir));
    }

    [Fact]
    public void The_folders_pin_file_is_never_sent()
    {
        Write("pin.json", "{}");
        Write("app/pin.json", "{}");

        var entries = BuildContext.Entries(_dir);

        Assert.DoesNotContain("pin.json", entries);
        Assert.Contains("app/pin.json", entries); // only the template's own pin is publishing's output
    }

    [Fact]
    public async Task Streams_a_tar_with_modes_root_owner_and_injected_files_replacing_context_files()
    {
        var extra = new Dictionary<string, byte[]> { ["fleet-extra-ca.crt"] = Encoding.UTF8.GetBytes("CA") };
        await using var stream = BuildContext.Open(_dir, extra, CancellationToken.None);
        var entries = new Dictionary<string, (TarEntry Entry, string Content)>();
        using (var reader = new TarReader(stream))
        {
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                var content = entry.DataStream is null ? "" : await new StreamReader(entry.DataStream).ReadToEndAsync();
                entries.Add(entry.Name, (entry, content));
            }
        }

        Assert.Equal([".dockerignore", "Dockerfile", "app/", "app/run.sh", "fleet-extra-ca.crt", "secrets/ok.txt"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("CA", entries["fleet-extra-ca.crt"].Content);
        Assert.Equal("FROM x\n", entries["Dockerfile"].Content);
        Assert.Equal((UnixFileMode)0b111_101_101, entries["app/run.sh"].Entry.Mode);
        Assert.All(entries.Values, e => Assert.Equal((0, 0), (e.Entry.Uid, e.Entry.Gid)));
    }

    [Fact]
    public async Task Same_inputs_give_the_same_bytes()
    {
        Assert.Equal(await TarBytesAsync(), await TarBytesAsync());
    }

    private async Task<byte[]> TarBytesAsync()
    {
        await using var stream = BuildContext.Open(_dir, new Dictionary<string, byte[]>(), CancellationToken.None);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    private void Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
