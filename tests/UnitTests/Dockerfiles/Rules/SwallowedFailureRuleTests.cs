using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class SwallowedFailureRuleTests
{
    private static IReadOnlyList<string> Check(string text) => Gate.Check("swallowed-failure", text);

    [Fact]
    public void Swallowed_install_failure_names_the_command()
    {
        var text = Edit(GoodTemplate, "\"${AGENT_COMMAND}\"\n", "\"${AGENT_COMMAND}\" 2>/dev/null || true\n");

        Assert.Equal([
            $"{Display}:9: '2>/dev/null || true' swallows the failure of 'fleet-install-agent \"${{AGENT_PACKAGE}}\" \"${{AGENT_VERSION}}\" \"${{AGENT_COMMAND}}\"' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]",
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
        var finding = Assert.Single(Check(WithStep($"RUN {run}")));

        Assert.StartsWith($"{Display}:{StepLine}: {shown} swallows the failure of '", finding);
        Assert.EndsWith("(this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]", finding);
    }

    [Fact]
    public void Without_an_install_it_still_fails_but_says_less()
    {
        Assert.Equal([
            $"{Display}:{StepLine}: '|| true' swallows the failure of 'test -f /etc/os-release'; remove it so a failure fails the build [swallowed-failure]",
        ], Check(WithStep("RUN test -f /etc/os-release || true")));
    }

    [Fact]
    public void Findings_point_at_the_physical_line_inside_a_continued_run()
    {
        var text = WithStep("""
            RUN set -eux; \
                # a comment inside the continuation is dropped, as docker does
                apt-get update; \

                apt-get install -y curl \
                  || true
            """);

        Assert.Equal([
            $"{Display}:17: '|| true' swallows the failure of 'apt-get install -y curl' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]",
        ], Check(text));
    }

    [Fact]
    public void The_escape_directive_is_honoured()
    {
        static string Escaped(string text) => "# escape=`\n" + text.Replace(" \\\n", " `\n");

        Assert.Empty(Check(Escaped(GoodTemplate)));
        Assert.Equal([
            $"{Display}:{StepLine + 2}: '|| true' swallows the failure of 'apt-get install -y curl' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build [swallowed-failure]",
        ], Check(Escaped(WithStep("RUN apt-get install -y curl `\n || true"))));
    }
}
