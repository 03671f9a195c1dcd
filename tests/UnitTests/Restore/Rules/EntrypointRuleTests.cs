using TemplateFleet.Restore.Rules;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore.Rules;

public sealed class EntrypointRuleTests
{
    [Fact]
    public void The_final_stage_needs_an_entrypoint()
    {
        var text = Edit(GoodTemplate, "ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]", "CMD [\"bash\"]");

        Assert.Equal([$"{Display}:3: the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it [entrypoint]"], Check<EntrypointRule>(text));
    }
}
