using TemplateFleet.Images;

namespace UnitTests.Images;

public sealed class BuildInputsTests : IDisposable
{
    const string Id = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    readonly string context = Directory.CreateTempSubdirectory("inputs-").FullName;

    public BuildInputsTests()
    {
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY app.py /app/\n");
        File.WriteAllText(Path.Combine(context, "app.py"), "print('hi')\n");
        File.WriteAllText(Path.Combine(context, "notes.md"), "not sent\n");
        File.WriteAllText(Path.Combine(context, ".dockerignore"), "*.md\n");
    }

    public void Dispose() => Directory.Delete(context, recursive: true);

    ImageBuildRequest Request(string runtime = "1.0.0", string revision = "abc", IReadOnlyDictionary<string, byte[]>? extra = null) => new(
        "t", context,
        new Dictionary<string, string> { ["BASE_IMAGE"] = Id, ["RUNTIME_VERSION"] = runtime },
        new Dictionary<string, string> { ["org.opencontainers.image.revision"] = revision },
        ["fleet/t:1.0.0"], Path.Combine(context, "t.log"), ExtraFiles: extra);

    static Task<string?> Address(ImageBuildRequest request) => BuildInputs.AddressAsync(request, CancellationToken.None);

    [Fact]
    public async Task The_same_inputs_have_the_same_address()
    {
        var first = await Address(Request());
        Assert.StartsWith("sha256:", first);
        Assert.Equal(first, await Address(Request()));
    }

    [Fact]
    public async Task Times_do_not_move_it()
    {
        // Neither file times nor the tar's PAX access/change times reach the address: the engine ignores them.
        var first = await Address(Request());
        File.SetLastWriteTimeUtc(Path.Combine(context, "app.py"), DateTime.UtcNow.AddDays(-3));
        File.SetLastAccessTimeUtc(Path.Combine(context, "app.py"), DateTime.UtcNow.AddDays(-2));
        await Task.Delay(1100);
        Assert.Equal(first, await Address(Request()));
    }

    [Fact]
    public async Task Each_input_moves_the_address()
    {
        var original = await Address(Request());
        Assert.NotEqual(original, await Address(Request(runtime: "1.0.1")));               // a build arg: the cache trap's own input
        Assert.NotEqual(original, await Address(Request(revision: "def")));                // a label
        Assert.NotEqual(original, await Address(Request(extra: new Dictionary<string, byte[]> { ["ca.crt"] = [1, 2] }))); // an injected file
        Assert.NotEqual(original, await Address(Request() with { Target = "variant" }));    // the stage built

        File.WriteAllText(Path.Combine(context, "app.py"), "print('changed')\n");
        Assert.NotEqual(original, await Address(Request()));                                // a context file
    }

    [Fact]
    public async Task A_file_the_engine_never_receives_does_not_move_it()
    {
        var original = await Address(Request());
        File.WriteAllText(Path.Combine(context, "notes.md"), "edited, but .dockerignore'd\n");
        Assert.Equal(original, await Address(Request()));
    }

    [Theory]
    [InlineData("FROM ${BASE_IMAGE}", true)]
    [InlineData("FROM $BASE_IMAGE AS base\nFROM base", true)]
    [InlineData("FROM --platform=linux/amd64 ${BASE_IMAGE} AS a\nFROM a AS b\nFROM scratch\nCOPY --from=b / /", true)]
    [InlineData("FROM " + Id, true)]
    [InlineData("FROM debian:bookworm-slim", false)]                  // a name can move under the same name
    [InlineData("FROM ${BASE_IMAGE}\nFROM debian:bookworm-slim", false)]
    [InlineData("FROM ${UNSET}", false)]
    [InlineData("ARG X=1", false)]
    public void Only_froms_pinned_to_content_qualify(string dockerfile, bool pinned) =>
        Assert.Equal(pinned, BuildInputs.FromsArePinned(dockerfile, new Dictionary<string, string> { ["BASE_IMAGE"] = Id }));

    [Fact]
    public async Task A_dockerfile_from_a_name_has_no_address()
    {
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM debian:bookworm-slim\n");
        Assert.Null(await Address(Request()));
    }
}
