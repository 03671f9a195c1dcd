using TemplateFleet.Pins;

namespace UnitTests.Pins;

public sealed class PinBasesTests
{
    static Pin On(string template, char @base) => new()
    {
        Template = template,
        Image = $"127.0.0.1:5000/molecule-fleet/{template}",
        Digest = "sha256:" + new string('0', 64),
        Base = new PinnedImage("127.0.0.1:5000/molecule-fleet/base", "sha256:" + new string(@base, 64)),
        Revision = "r",
        PublishedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Pins_on_one_base_or_without_one_are_fine() =>
        Assert.Null(PinFile.MixWarning(new Dictionary<string, Pin?> { ["a"] = On("a", '1'), ["b"] = On("b", '1'), ["c"] = null, ["d"] = On("d", '1') with { Base = null } }));

    [Fact]
    public void Mixed_bases_name_each_base_and_its_templates_most_used_first() =>
        Assert.Equal(
            "the pins mix 2 bases (codex, hermes on base sha256:111111111111; claude-code on base sha256:222222222222): normal after a partial failure; the next release builds them all FROM one base.",
            PinFile.MixWarning(new Dictionary<string, Pin?> { ["hermes"] = On("hermes", '1'), ["claude-code"] = On("claude-code", '2'), ["codex"] = On("codex", '1') }));
}
