using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class EntrypointRuleTests
{
    [Fact]
    public void The_final_stage_needs_an_entrypoint()
    {
        var text = Edit(GoodTemplate, "ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]", "CMD [\"bash\"]");

        Assert.Equal([$"{Display}:3: the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it [entrypoint]"], Check("entrypoint", text));
    }

    [Fact]
    public void A_final_stage_from_an_earlier_stage_inherits_its_entrypoint()
    {
        // The base's shape: a stage the build may target, then the default as the last stage, FROM the first.
        var stages = Edit(GoodBase, "FROM ${OS_IMAGE}\n", "FROM ${OS_IMAGE} AS base\n")
            + "\nFROM base AS variant\nENV VARIANT=1\n\nFROM base\n";
        Assert.Empty(Check("entrypoint", stages, Base));

        var withoutEntrypoint = Edit(stages, "ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]", "CMD [\"bash\"]");
        Assert.Equal(["templates/codex/Dockerfile:14: the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it [entrypoint]"],
            Check("entrypoint", withoutEntrypoint, Base));
    }
}
