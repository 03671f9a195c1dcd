using TemplateFleet.Dockerfiles.Rules;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles.Rules;

public sealed class LayerOrderRuleTests
{
    private static IReadOnlyList<string> Check(string text) => Gate.Check("layer-order", text);

    private static string After(string keyword, int line) =>
        $"this {keyword} comes after `ARG RUNTIME_VERSION` (line {line}), so every runtime bump rebuilds it; move it above that ARG so a bump rebuilds the runtime layer alone [layer-order]";

    [Fact]
    public void Nothing_but_the_runtime_layer_comes_after_the_runtime_version()
    {
        Assert.Equal([$"{Display}:22: {After("RUN", 15)}"], Check(GoodTemplate + "\nRUN echo done\n"));
        Assert.Equal([$"{Display}:16: {After("COPY", 15)}"], Check(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", "ARG RUNTIME_VERSION\nCOPY notes.txt /app/\n")));
    }

    [Fact]
    public void The_agent_cli_comes_before_the_runtime_version()
    {
        var text = Edit(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""), "FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE}\nARG RUNTIME_VERSION\n");

        Assert.Equal([$"{Display}:9: {After("COPY", 4)}", $"{Display}:10: {After("RUN", 4)}", $"{Display}:12: {After("COPY", 4)}"], Check(text));
    }

    [Fact]
    public void Metadata_after_it_costs_nothing_and_stages_without_it_are_free()
    {
        Assert.Empty(Check(GoodTemplate + "\nENV A=1\nLABEL b=2\nCMD [\"molecule-runtime\"]\n"));
        Assert.Empty(Gate.Check("layer-order", GoodBase, Base));
    }
}
