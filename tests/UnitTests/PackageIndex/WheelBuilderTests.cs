using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.UnitTests.PackageIndex;

public sealed class WheelBuilderTests : IDisposable
{
    private readonly SamplePackage _source = new();
    private readonly string _out = Directory.CreateTempSubdirectory("fleet-whl-").FullName;

    public void Dispose()
    {
        _source.Dispose();
        Directory.Delete(_out, recursive: true);
    }

    private BuiltWheel Build(string version = "1.2.3") =>
        WheelBuilder.Build(PackageManifest.Load("Demo.Package_name", _source.Root), version, _out);

    [Fact]
    public void File_name_follows_pep_427()
    {
        Assert.Equal("demo_package_name-1.2.3-py3-none-any.whl", Build().FileName);
    }

    [Fact]
    public void Contains_modules_and_dist_info_without_byte_code()
    {
        using var zip = ZipFile.OpenRead(Build().Path);
        Assert.Equal(
            [
                "demo_pkg/__init__.py", "demo_pkg/main.py", "demo_pkg/sub/x.py",
                "demo_package_name-1.2.3.dist-info/METADATA", "demo_package_name-1.2.3.dist-info/WHEEL",
                "demo_package_name-1.2.3.dist-info/entry_points.txt", "demo_package_name-1.2.3.dist-info/RECORD",
            ],
            zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void Metadata_wheel_and_entry_points_say_what_pip_needs()
    {
        using var zip = ZipFile.OpenRead(Build().Path);
        var metadata = Read(zip, "demo_package_name-1.2.3.dist-info/METADATA");
        Assert.Contains("Metadata-Version: 2.1\n", metadata);
        Assert.Contains("Name: Demo.Package_name\n", metadata);
        Assert.Contains("Version: 1.2.3\n", metadata);
        Assert.Contains("Summary: DEVELOPMENT BUILD of demo (not the published package)\n", metadata);
        Assert.Contains("Requires-Python: >=3.11\n", metadata);
        var wheel = Read(zip, "demo_package_name-1.2.3.dist-info/WHEEL");
        Assert.Contains("Wheel-Version: 1.0\n", wheel);
        Assert.Contains("Root-Is-Purelib: true\n", wheel);
        Assert.Contains("Tag: py3-none-any\n", wheel);
        Assert.Equal("[console_scripts]\ndemo-run = demo_pkg.main:main\n", Read(zip, "demo_package_name-1.2.3.dist-info/entry_points.txt"));
    }

    [Fact]
    public void Record_lists_every_other_file_with_a_valid_hash_and_size()
    {
        using var zip = ZipFile.OpenRead(Build().Path);
        var lines = Read(zip, "demo_package_name-1.2.3.dist-info/RECORD").TrimEnd('\n').Split('\n');
        Assert.Equal(zip.Entries.Count, lines.Length);
        foreach (var line in lines)
        {
            var (path, hash, size) = (line.Split(',')[0], line.Split(',')[1], line.Split(',')[2]);
            if (path.EndsWith("/RECORD", StringComparison.Ordinal))
            {
                Assert.Equal(("", ""), (hash, size));
                continue;
            }

            var content = ReadBytes(zip, path);
            var expected = "sha256=" + Convert.ToBase64String(SHA256.HashData(content)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            Assert.Equal(expected, hash);
            Assert.Equal(content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), size);
            Assert.DoesNotContain('=', hash["sha256=".Length..]);
        }
    }

    [Fact]
    public void Rebuilding_the_same_version_gives_identical_bytes()
    {
        var first = File.ReadAllBytes(Build().Path);
        File.SetLastWriteTimeUtc(Path.Combine(_source.Root, "demo_pkg", "main.py"), DateTime.UtcNow.AddDays(-3));
        var second = Build();
        Assert.Equal(first, File.ReadAllBytes(second.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first)), second.Sha256);
    }

    [Fact]
    public void Another_version_changes_the_bytes()
    {
        Assert.NotEqual(Build("1.0.0").Sha256, Build("1.0.1").Sha256);
    }

    [Theory]
    [InlineData("1.0.0/../x")]
    [InlineData("latest")]
    [InlineData("")]
    public void Invalid_versions_are_user_errors(string version)
    {
        var e = Assert.Throws<FleetException>(() => Build(version));
        Assert.Contains("Demo.Package_name", e.Message);
    }

    [Fact]
    public void Manifest_with_an_unknown_key_names_the_file_and_line()
    {
        using var bad = new SamplePackage("summary: x\nmodules: [demo_pkg]\nscirpts: {}\n");
        var e = Assert.Throws<FleetException>(() => PackageManifest.Load("demo", bad.Root));
        Assert.Contains("package.yaml:3", e.Message);
    }

    [Fact]
    public void Manifest_module_without_init_is_a_user_error()
    {
        using var bad = new SamplePackage("summary: x\nmodules: [missing_pkg]\n");
        var e = Assert.Throws<FleetException>(() => PackageManifest.Load("demo", bad.Root));
        Assert.Contains("missing_pkg/__init__.py", e.Message);
    }

    private static string Read(ZipArchive zip, string name) => Encoding.UTF8.GetString(ReadBytes(zip, name));

    private static byte[] ReadBytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
