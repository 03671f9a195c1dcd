using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class RuntimeInstallRuleTests
{
    [Fact]
    public void A_template_installs_the_runtime()
    {
        var text = Edit(GoodTemplate, "RUN /opt/venv/bin/pip install --no-cache-dir \\\n      --index-url \"${PIP_INDEX_URL}\" \\\n      -r /app/requirements.txt \\\n      \"${RUNTIME_PACKAGE}==${RUNTIME_VERSION}\"\n", "");

        Assert.Equal([$"{Display}:3: the template never installs the runtime {Runtime} (fleet.yaml runtime.package); end the final stage with `ARG RUNTIME_PACKAGE`, `ARG RUNTIME_VERSION` and `RUN fleet-install-runtime \"${{RUNTIME_PACKAGE}}\" \"${{RUNTIME_VERSION}}\"` [runtime-install]"],
            Check("runtime-install", text));
    }

    [Fact]
    public void The_base_has_no_runtime_of_its_own()
    {
        Assert.Empty(Check("runtime-install", GoodBase, Base));
    }
}
