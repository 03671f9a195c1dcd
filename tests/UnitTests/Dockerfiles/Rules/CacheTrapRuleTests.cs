using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class CacheTrapRuleTests
{
    private static IReadOnlyList<string> Check(string text, DockerfileFacts? facts = null) => Gate.Check("cache-trap", text, facts);

    [Fact]
    public void Cache_trap_without_the_arg()
    {
        var findings = Check(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""));

        Assert.Equal([
            $"{Display}:18: this layer installs {Runtime} without `ARG RUNTIME_VERSION` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime [cache-trap]",
        ], findings);
    }

    [Fact]
    public void Cache_trap_with_the_arg_after_the_install()
    {
        var text = Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", "") + "\nARG RUNTIME_VERSION\n";

        var finding = Assert.Single(Check(text));

        Assert.Equal($"{Display}:18: this layer installs {Runtime} before `ARG RUNTIME_VERSION` (line 21); move the ARG above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime [cache-trap]", finding);
    }

    [Fact]
    public void Cache_trap_with_the_arg_only_before_from()
    {
        var text = Edit(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""), "ARG BASE_IMAGE\n", "ARG BASE_IMAGE\nARG RUNTIME_VERSION\n");

        Assert.Equal([
            $"{Display}:19: this layer installs {Runtime} but `ARG RUNTIME_VERSION` is only declared before FROM, which does not reach RUN; declare `ARG RUNTIME_VERSION` again after FROM, above this RUN [cache-trap]",
        ], Check(text));
    }

    [Fact]
    public void Cache_trap_with_the_arg_declared_but_not_used()
    {
        var text = Edit(GoodTemplate, "==${RUNTIME_VERSION}", "==1.0.0");

        Assert.Equal([$"{Display}:19: this layer installs {Runtime} without using ${{RUNTIME_VERSION}}; install \"${{RUNTIME_PACKAGE}}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime [cache-trap]"], Check(text));
    }

    [Fact]
    public void The_runtime_layer_is_found_by_its_build_argument_or_its_name()
    {
        // fleet-install-runtime (the fleet's way) names neither pip nor the package: ${RUNTIME_PACKAGE} marks the layer.
        var script = Edit(GoodTemplate, "RUN /opt/venv/bin/pip install --no-cache-dir \\\n      --index-url \"${PIP_INDEX_URL}\" \\\n      -r /app/requirements.txt \\\n      \"${RUNTIME_PACKAGE}==${RUNTIME_VERSION}\"",
            "RUN fleet-install-runtime \"${RUNTIME_PACKAGE}\" 1.0.0");

        Assert.Equal([$"{Display}:16: this layer installs {Runtime} without using ${{RUNTIME_VERSION}}; install \"${{RUNTIME_PACKAGE}}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime [cache-trap]"], Check(script));
        Assert.Empty(Check(Edit(script, " 1.0.0", " \"${RUNTIME_VERSION}\"")));
    }

    [Fact]
    public void Cache_trap_through_a_requirements_file_of_the_build_context()
    {
        using var repo = new UnitTests.Fleet.TempRepo();
        repo.Write("templates/codex/requirements.txt", "pyyaml==6.0.1\nmolecule_ai_workspace_runtime\n");
        repo.Write("templates/codex/Dockerfile", WithStep("COPY requirements.txt /app/") + "\nRUN pip install --no-cache-dir \\\n  -r /app/requirements.txt\n");
        var facts = Codex with { RepositoryRoot = repo.Root };

        var findings = DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), facts);

        Assert.Equal([
            new Finding(Display, 24, "cache-trap", $"this layer installs {Runtime} (listed in requirements.txt of the build context) without using ${{RUNTIME_VERSION}}; install \"${{RUNTIME_PACKAGE}}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime"),
        ], findings);
        // Without the runtime in the file, that RUN is just another layer, in the wrong place.
        repo.Write("templates/codex/requirements.txt", "pyyaml==6.0.1\n");
        Assert.Equal(["layer-order"], DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), facts).Select(f => f.Rule));
    }

    [Fact]
    public void The_base_is_held_to_it_too()
    {
        var text = GoodBase + "\nRUN /opt/venv/bin/pip install --no-cache-dir \"${RUNTIME_PACKAGE}==1.0.0\"";

        Assert.Equal([
            $"{Display}:11: this layer installs {Runtime} without `ARG RUNTIME_VERSION` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime [cache-trap]",
            $"{Display}:11: this layer installs {Runtime} without using ${{RUNTIME_VERSION}}; install \"${{RUNTIME_PACKAGE}}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime [cache-trap]",
        ], Gate.Check(text, Base).Where(f => f.EndsWith("[cache-trap]", StringComparison.Ordinal)));
    }
}
