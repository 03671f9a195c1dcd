using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class FromBaseRuleTests
{
    private static IReadOnlyList<string> Check(string text, TemplateFleet.Restore.DockerfileFacts? facts = null) => Gate.Check<FromBaseRule>(text, facts);

    [Fact]
    public void Templates_build_from_the_base_argument()
    {
        Assert.Equal(
            [$"{Display}:3: FROM debian:bookworm-slim does not build from the fleet base; declare `ARG BASE_IMAGE` before the first FROM and use `FROM ${{BASE_IMAGE}}` (the build passes the base by digest) [from-base]"],
            Check(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM debian:bookworm-slim")));
        Assert.Equal(
            [$"{Display}:2: ARG BASE_IMAGE has a default ('molecule-fleet/base:latest'); remove it so the image can only be built FROM the base the build passes by digest [from-base]"],
            Check(Edit(GoodTemplate, "ARG BASE_IMAGE\n", "ARG BASE_IMAGE=molecule-fleet/base:latest\n")));
        Assert.Contains("FROM ${OTHER} does not build from the fleet base", Assert.Single(Check(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM ${OTHER}"))));
        // The base image itself is not held to the FROM rule.
        Assert.Empty(Check(Edit(GoodBase, "FROM ${OS_IMAGE}", "FROM debian:bookworm-slim"), Base));
    }

    [Fact]
    public void Later_stages_may_build_from_earlier_ones()
    {
        var text = Edit(GoodTemplate, "FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE} AS build\nRUN true\nFROM build\n");

        Assert.Empty(Check(text));
    }
}
