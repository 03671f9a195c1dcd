using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class SyntaxRuleTests
{
    [Fact]
    public void Heredocs_are_refused()
    {
        var finding = Assert.Single(Check("syntax", WithStep("RUN <<EOF\napt-get install -y curl\nEOF")));

        Assert.Equal($"{Display}:{StepLine}: heredoc '<<EOF' is not supported (the classic builder runs it as one line); write the steps as one RUN joined with && and line continuations [syntax]", finding);
    }

    [Fact]
    public void Instructions_before_from_and_a_missing_from_are_reported()
    {
        Assert.Equal([$"{Display}:1: no FROM instruction; a Dockerfile starts FROM an image [syntax]"], Check("syntax", "ARG OS_IMAGE\n", Base));
        Assert.Equal([$"{Display}:1: RUN before the first FROM; only ARG may come before FROM [syntax]"], Check("syntax", "RUN echo hi\nFROM scratch\nENTRYPOINT [\"x\"]\n", Base));
    }

    [Fact]
    public void A_bad_escape_directive_is_named()
    {
        Assert.Equal([$"{Display}:1: escape directive 'x' is not valid; use \\ or ` [syntax]"], Check("syntax", "# escape=x\n" + GoodBase, Base));
    }
}
