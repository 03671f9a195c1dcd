using TemplateFleet.Images;

namespace UnitTests.TemplateTests;

/// <summary>A test-only change of a real template changes neither its build inputs (what the engine would build)
/// nor its release inputs (what its pin records); a change of what ships does.</summary>
public sealed class TestOnlyChangeTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("test-only-change-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    ImageBuildRequest Request(string template) => new(template, Path.Combine(root, template),
        new Dictionary<string, string> { ["BASE_IMAGE"] = "sha256:" + new string('1', 64), ["RUNTIME_VERSION"] = "1.0.0" },
        new Dictionary<string, string> { ["ai.molecule.fleet.template"] = template }, [], Path.Combine(root, "build.log"));

    async Task<(string? Build, string Release)> AddressesAsync(string template) =>
        (await BuildInputs.AddressAsync(Request(template), CancellationToken.None), await ReleaseInputs.OfTemplateAsync(Request(template), CancellationToken.None));

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    [InlineData("hermes")]
    [InlineData("openclaw")]
    public async Task Editing_or_adding_a_test_changes_no_address_editing_the_adapter_does(string template)
    {
        TreeCopy.Copy(Path.Combine(RepositoryRoot.Path, "templates", template), Path.Combine(root, template), r => r.Contains("__pycache__", StringComparison.Ordinal));
        var before = await AddressesAsync(template);
        Assert.NotNull(before.Build);

        var tests = Path.Combine(root, template, "tests");
        File.AppendAllText(Path.Combine(tests, "test_adapter.py"), "\n\ndef test_added_later():\n    assert True\n");
        File.WriteAllText(Path.Combine(tests, "test_new.py"), "def test_new():\n    pass\n");
        Assert.Equal(before, await AddressesAsync(template));

        File.AppendAllText(Path.Combine(root, template, "adapter.py"), "\n# shipped\n");
        var after = await AddressesAsync(template);
        Assert.NotEqual(before.Build, after.Build);
        Assert.NotEqual(before.Release, after.Release);
    }
}
