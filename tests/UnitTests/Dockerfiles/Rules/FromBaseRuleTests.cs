using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class FromBaseRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Dockerfiles.DockerfileFacts? facts = null) => Gate.Check("from-base", text, facts);

    private static string NotTheBase(string image) =>
        $"FROM {image} does not build from the fleet base; declare `ARG BASE_IMAGE` before the first FROM and use `FROM ${{BASE_IMAGE}}` (the build passes the base by digest) [from-base]";

    [Fact]
    public void Templates_build_from_the_base_argument()
    {
        Assert.Equal([$"{Display}:3: {NotTheBase("debian:bookworm-slim")}"], Check(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM debian:bookworm-slim")));
        Assert.Equal([$"{Display}:3: {NotTheBase("${OTHER}")}"], Check(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM ${OTHER}")));
        // Declared or not, another argument is not the base the build passes.
        Assert.Equal([$"{Display}:4: {NotTheBase("${OTHER}")}"], Check(Edit(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM ${OTHER}"), "ARG BASE_IMAGE\n", "ARG BASE_IMAGE\nARG OTHER=sha256:0\n")));
        Assert.Equal([$"{Display}:2: {NotTheBase("${BASE_IMAGE}")}"], Check(Edit(GoodTemplate, "ARG BASE_IMAGE\n", "")));
        // The base image itself is not held to the FROM rule.
        Assert.Empty(Check(Edit(GoodBase, "FROM ${OS_IMAGE}", "FROM debian:bookworm-slim"), Base));
    }

    [Fact]
    public void Later_stages_may_build_from_earlier_ones()
    {
        var text = Edit(GoodTemplate, "FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE} AS build\nRUN true\nFROM build\n");

        Assert.Empty(Check(text));
        Assert.Equal([$"{Display}:5: {NotTheBase("other")}"], Check(Edit(text, "FROM build\n", "FROM other\n")));
    }
}
