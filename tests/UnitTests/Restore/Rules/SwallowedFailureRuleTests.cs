using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class SwallowedFailureRuleTests
{
    private static IReadOnlyList<string> Check(string text) => Gate.Check<SwallowedFailureRule>(text);

    [Fact]
    public void Swallowed_install_failure_names_the_command()
    {
        var text = Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\" \\\n && codex --version", "\"@openai/codex@${AGENT_VERSION}\" 2>/dev/null || true");

        Assert.Equal([
            $"{Display}:6: '2>/dev/null || true' swallows the failure of 'npm install -g --no-fund \"@openai/codex@${{AGENT_VERSION}}\"' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]",
        ], Check(text));
    }

    [Theory]
    [InlineData("apt-get install -y curl || :", "'|| :'")]
    [InlineData("apt-get install -y curl || exit 0", "'|| exit 0'")]
    [InlineData("apt-get install -y curl; true", "'; true'")]
    [InlineData("curl -fsSL http://127.0.0.1/x.sh | sh || /bin/true", "'|| /bin/true'")]
    [InlineData("apt-get install -y curl 2>/dev/null || echo skipped", "'2>/dev/null ||'")]
    public void Swallowed_failures_in_all_spellings(string run, string shown)
    {
        var finding = Assert.Single(Check(GoodTemplate + $"\nRUN {run}\n"));

        Assert.StartsWith($"{Display}:17: {shown} swallows the failure of '", finding);
        Assert.EndsWith("(this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]", finding);
    }

    [Fact]
    public void Findings_point_at_the_physical_line_inside_a_continued_run()
    {
        var text = GoodTemplate + """

            RUN set -eux; \
                # a comment inside the continuation is dropped, as docker does
                apt-get update; \

                apt-get install -y curl \
                  || true
            """;

        Assert.Equal([
            $"{Display}:22: '|| true' swallows the failure of 'apt-get install -y curl' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]",
        ], Check(text));
    }

    [Fact]
    public void The_escape_directive_is_honoured()
    {
        var text = "# escape=`\n" + GoodTemplate.Replace(" \\\n", " `\n");

        Assert.Empty(Check(text));
        Assert.Contains("|| true", Assert.Single(Check(text + "\nRUN npm install -g @openai/codex@${AGENT_VERSION} `\n || true\n")));
    }
}
