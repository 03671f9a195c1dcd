using TemplateFleet.Fleet;
using TemplateFleet.Images;

namespace UnitTests.Images;

/// <summary>What a pin's inputs address holds: what shapes the image's content, not what changes with every commit or runner.</summary>
public sealed class ReleaseInputsTests : IDisposable
{
    const string Base = "127.0.0.1:5000/molecule-fleet/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    readonly string context = Directory.CreateTempSubdirectory("release-inputs-").FullName;

    public ReleaseInputsTests()
    {
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY app.py /app/\n");
        File.WriteAllText(Path.Combine(context, "app.py"), "print('hi')\n");
    }

    public void Dispose() => Directory.Delete(context, recursive: true);

    ImageBuildRequest Template(string @base = Base, string runtime = "1.0.0", string agent = "0.4.0", string index = "http://127.0.0.1:39503/simple/",
        string revision = "abc", string created = "2026-11-01T00:00:00Z", string os = "debootstrap:bookworm") => new(
        "t", context,
        new Dictionary<string, string> { ["BASE_IMAGE"] = @base, ["RUNTIME_VERSION"] = runtime, ["AGENT_VERSION"] = agent, ["PIP_INDEX_URL"] = index },
        new Dictionary<string, string>
        {
            ["org.opencontainers.image.revision"] = revision,
            ["org.opencontainers.image.created"] = created,
            [Labels.OsSource] = os,
            [Labels.Template] = "t",
        },
        [], Path.Combine(context, "t.log"));

    ImageBuildRequest BaseImage(string osImage, byte[] ca) => new(
        "base", context,
        new Dictionary<string, string> { ["OS_IMAGE"] = osImage, ["NODE_VERSION"] = "24.21.0" },
        new Dictionary<string, string> { [Labels.Template] = "base" },
        [], Path.Combine(context, "b.log"), ExtraFiles: new Dictionary<string, byte[]> { ["fleet-extra-ca.crt"] = ca });

    static Task<string> Of(ImageBuildRequest request) => ReleaseInputs.OfTemplateAsync(request, CancellationToken.None);

    [Fact]
    public async Task A_new_commit_another_index_or_another_runner_leaves_a_template_unchanged()
    {
        var original = await Of(Template());

        Assert.StartsWith("sha256:", original);
        Assert.Equal(original, await Of(Template(revision: "def", created: "2026-12-01T00:00:00Z"))); // merging the pins pull request
        Assert.Equal(original, await Of(Template(index: "https://pypi.example/simple/")));           // PEP 440 versions are immutable
        Assert.Equal(original, await Of(Template(os: "registry:debian:bookworm-slim")));              // the base's digest says it all
        File.WriteAllText(Path.Combine(context, "pin.json"), "{}");                                   // the pin is the output, not an input
        Assert.Equal(original, await Of(Template()));
    }

    [Fact]
    public async Task What_shapes_the_content_moves_it()
    {
        var original = await Of(Template());

        Assert.NotEqual(original, await Of(Template(@base: Base.Replace("0123", "9999", StringComparison.Ordinal))));
        Assert.NotEqual(original, await Of(Template(runtime: "1.0.1")));
        Assert.NotEqual(original, await Of(Template(agent: "0.5.0")));
        File.WriteAllText(Path.Combine(context, "app.py"), "print('changed')\n");
        Assert.NotEqual(original, await Of(Template()));
    }

    [Fact]
    public async Task The_base_is_described_by_its_OS_source_never_by_an_engine_local_id()
    {
        var os = new OsSource("debian:bookworm-slim", "bookworm");
        var onA = await ReleaseInputs.OfBaseAsync(BaseImage("sha256:" + new string('a', 64), [1]), os, CancellationToken.None);
        var onB = await ReleaseInputs.OfBaseAsync(BaseImage("sha256:" + new string('b', 64), [1]), os, CancellationToken.None);

        Assert.Equal(onA, onB); // debootstrap is not reproducible: each runner's OS image has its own id
        Assert.NotEqual(onA, await ReleaseInputs.OfBaseAsync(BaseImage("sha256:" + new string('a', 64), [2]), os, CancellationToken.None)); // another CA bundle
        Assert.NotEqual(onA, await ReleaseInputs.OfBaseAsync(BaseImage("sha256:" + new string('a', 64), [1]), os with { Suite = "trixie" }, CancellationToken.None));
    }

    [Fact]
    public void A_tag_carries_twelve_hex_digits_of_the_address() =>
        Assert.Equal("0123456789ab", ReleaseInputs.Short("sha256:0123456789abcdef"));
}
