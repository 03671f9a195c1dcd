using TemplateFleet.Restore;
using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class CacheTrapRuleTests
{
    private static IReadOnlyList<string> Check(string text) => Gate.Check<CacheTrapRule>(text);

    [Fact]
    public void Cache_trap_without_the_arg()
    {
        var findings = Check(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""));

        Assert.Equal([
            $"{Display}:12: this layer installs {Runtime} without `ARG RUNTIME_VERSION` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime [cache-trap]",
        ], findings);
    }

    [Fact]
    public void Cache_trap_with_the_arg_after_the_install()
    {
        var text = Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", "") + "\nARG RUNTIME_VERSION\n";

        var finding = Assert.Single(Check(text));

        Assert.Equal($"{Display}:12: this layer installs {Runtime} before `ARG RUNTIME_VERSION` (line 16); move the ARG above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime [cache-trap]", finding);
    }

    [Fact]
    public void Cache_trap_with_the_arg_only_before_from()
    {
        var text = Edit(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""), "ARG BASE_IMAGE\n", "ARG BASE_IMAGE\nARG RUNTIME_VERSION\n");

        Assert.Contains("is only declared before FROM, which does not reach RUN", Assert.Single(Check(text)));
    }

    [Fact]
    public void Cache_trap_with_the_arg_declared_but_not_used()
    {
        var text = Edit(GoodTemplate, "==${RUNTIME_VERSION}", "==1.0.0");

        Assert.Equal([$"{Display}:13: this layer installs {Runtime} without using ${{RUNTIME_VERSION}}; install \"{Runtime}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime [cache-trap]"], Check(text));
    }

    [Fact]
    public void Cache_trap_through_a_requirements_file_of_the_build_context()
    {
        using var repo = new UnitTests.Fleet.TempRepo();
        repo.Write("templates/codex/requirements.txt", "pyyaml==6.0.1\nmolecule_ai_workspace_runtime\n");
        repo.Write("templates/codex/Dockerfile", GoodTemplate + "\nCOPY requirements.txt /app/\nRUN pip install --no-cache-dir \\\n  -r /app/requirements.txt\n");
        var facts = Codex with { RepositoryRoot = repo.Root };

        var findings = DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), facts);

        Assert.Equal([
            new Finding(Display, 19, "cache-trap", $"this layer installs {Runtime} (listed in requirements.txt of the build context) without using ${{RUNTIME_VERSION}}; install \"{Runtime}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime"),
        ], findings);
        repo.Write("templates/codex/requirements.txt", "pyyaml==6.0.1\n");
        Assert.Empty(DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), facts));
    }
}
