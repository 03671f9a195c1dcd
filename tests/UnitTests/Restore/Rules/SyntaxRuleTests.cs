using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class SyntaxRuleTests
{
    [Fact]
    public void Heredocs_are_refused()
    {
        var finding = Assert.Single(Check<SyntaxRule>(GoodTemplate + "\nRUN <<EOF\napt-get install -y curl\nEOF\n"));

        Assert.StartsWith($"{Display}:17: heredoc '<<EOF' is not supported", finding);
    }

    [Fact]
    public void Instructions_before_from_and_a_missing_from_are_reported()
    {
        Assert.Equal([$"{Display}:1: no FROM instruction; a Dockerfile starts FROM an image [syntax]"], Check<SyntaxRule>("ARG X\n", Base));
        Assert.Contains($"{Display}:1: RUN before the first FROM", Check<SyntaxRule>("RUN echo hi\nFROM scratch\nENTRYPOINT [\"x\"]\n", Base)[0]);
    }
}
